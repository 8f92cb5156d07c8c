// How a qstr's text becomes the C identifier MP_QSTR_<ident>: letters,
// digits and '_' stay; every other character becomes `_<name>_`, with the
// name taken from the HTML entity names plus a few extra punctuation names,
// or `_0x<hex>_` for a character without a name. The table is the one the
// reference generator uses, so identifiers match the C code of MicroPython.

/** Unicode code point -> escape name. */
export const CODEPOINT_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [32, "space"],
  [33, "bang"],
  [34, "quot"],
  [35, "hash"],
  [36, "dollar"],
  [37, "percent"],
  [38, "amp"],
  [39, "squot"],
  [40, "paren_open"],
  [41, "paren_close"],
  [42, "star"],
  [43, "plus"],
  [44, "comma"],
  [45, "hyphen"],
  [46, "dot"],
  [47, "slash"],
  [58, "colon"],
  [59, "semicolon"],
  [60, "lt"],
  [61, "equals"],
  [62, "gt"],
  [63, "question"],
  [64, "at_sign"],
  [91, "bracket_open"],
  [92, "backslash"],
  [93, "bracket_close"],
  [94, "caret"],
  [123, "brace_open"],
  [124, "pipe"],
  [125, "brace_close"],
  [126, "tilde"],
  [160, "nbsp"],
  [161, "iexcl"],
  [162, "cent"],
  [163, "pound"],
  [164, "curren"],
  [165, "yen"],
  [166, "brvbar"],
  [167, "sect"],
  [168, "uml"],
  [169, "copy"],
  [170, "ordf"],
  [171, "laquo"],
  [172, "not"],
  [173, "shy"],
  [174, "reg"],
  [175, "macr"],
  [176, "deg"],
  [177, "plusmn"],
  [178, "sup2"],
  [179, "sup3"],
  [180, "acute"],
  [181, "micro"],
  [182, "para"],
  [183, "middot"],
  [184, "cedil"],
  [185, "sup1"],
  [186, "ordm"],
  [187, "raquo"],
  [188, "frac14"],
  [189, "frac12"],
  [190, "frac34"],
  [191, "iquest"],
  [192, "Agrave"],
  [193, "Aacute"],
  [194, "Acirc"],
  [195, "Atilde"],
  [196, "Auml"],
  [197, "Aring"],
  [198, "AElig"],
  [199, "Ccedil"],
  [200, "Egrave"],
  [201, "Eacute"],
  [202, "Ecirc"],
  [203, "Euml"],
  [204, "Igrave"],
  [205, "Iacute"],
  [206, "Icirc"],
  [207, "Iuml"],
  [208, "ETH"],
  [209, "Ntilde"],
  [210, "Ograve"],
  [211, "Oacute"],
  [212, "Ocirc"],
  [213, "Otilde"],
  [214, "Ouml"],
  [215, "times"],
  [216, "Oslash"],
  [217, "Ugrave"],
  [218, "Uacute"],
  [219, "Ucirc"],
  [220, "Uuml"],
  [221, "Yacute"],
  [222, "THORN"],
  [223, "szlig"],
  [224, "agrave"],
  [225, "aacute"],
  [226, "acirc"],
  [227, "atilde"],
  [228, "auml"],
  [229, "aring"],
  [230, "aelig"],
  [231, "ccedil"],
  [232, "egrave"],
  [233, "eacute"],
  [234, "ecirc"],
  [235, "euml"],
  [236, "igrave"],
  [237, "iacute"],
  [238, "icirc"],
  [239, "iuml"],
  [240, "eth"],
  [241, "ntilde"],
  [242, "ograve"],
  [243, "oacute"],
  [244, "ocirc"],
  [245, "otilde"],
  [246, "ouml"],
  [247, "divide"],
  [248, "oslash"],
  [249, "ugrave"],
  [250, "uacute"],
  [251, "ucirc"],
  [252, "uuml"],
  [253, "yacute"],
  [254, "thorn"],
  [255, "yuml"],
  [338, "OElig"],
  [339, "oelig"],
  [352, "Scaron"],
  [353, "scaron"],
  [376, "Yuml"],
  [402, "fnof"],
  [710, "circ"],
  [732, "tilde"],
  [913, "Alpha"],
  [914, "Beta"],
  [915, "Gamma"],
  [916, "Delta"],
  [917, "Epsilon"],
  [918, "Zeta"],
  [919, "Eta"],
  [920, "Theta"],
  [921, "Iota"],
  [922, "Kappa"],
  [923, "Lambda"],
  [924, "Mu"],
  [925, "Nu"],
  [926, "Xi"],
  [927, "Omicron"],
  [928, "Pi"],
  [929, "Rho"],
  [931, "Sigma"],
  [932, "Tau"],
  [933, "Upsilon"],
  [934, "Phi"],
  [935, "Chi"],
  [936, "Psi"],
  [937, "Omega"],
  [945, "alpha"],
  [946, "beta"],
  [947, "gamma"],
  [948, "delta"],
  [949, "epsilon"],
  [950, "zeta"],
  [951, "eta"],
  [952, "theta"],
  [953, "iota"],
  [954, "kappa"],
  [955, "lambda"],
  [956, "mu"],
  [957, "nu"],
  [958, "xi"],
  [959, "omicron"],
  [960, "pi"],
  [961, "rho"],
  [962, "sigmaf"],
  [963, "sigma"],
  [964, "tau"],
  [965, "upsilon"],
  [966, "phi"],
  [967, "chi"],
  [968, "psi"],
  [969, "omega"],
  [977, "thetasym"],
  [978, "upsih"],
  [982, "piv"],
  [8194, "ensp"],
  [8195, "emsp"],
  [8201, "thinsp"],
  [8204, "zwnj"],
  [8205, "zwj"],
  [8206, "lrm"],
  [8207, "rlm"],
  [8211, "ndash"],
  [8212, "mdash"],
  [8216, "lsquo"],
  [8217, "rsquo"],
  [8218, "sbquo"],
  [8220, "ldquo"],
  [8221, "rdquo"],
  [8222, "bdquo"],
  [8224, "dagger"],
  [8225, "Dagger"],
  [8226, "bull"],
  [8230, "hellip"],
  [8240, "permil"],
  [8242, "prime"],
  [8243, "Prime"],
  [8249, "lsaquo"],
  [8250, "rsaquo"],
  [8254, "oline"],
  [8260, "frasl"],
  [8364, "euro"],
  [8465, "image"],
  [8472, "weierp"],
  [8476, "real"],
  [8482, "trade"],
  [8501, "alefsym"],
  [8592, "larr"],
  [8593, "uarr"],
  [8594, "rarr"],
  [8595, "darr"],
  [8596, "harr"],
  [8629, "crarr"],
  [8656, "lArr"],
  [8657, "uArr"],
  [8658, "rArr"],
  [8659, "dArr"],
  [8660, "hArr"],
  [8704, "forall"],
  [8706, "part"],
  [8707, "exist"],
  [8709, "empty"],
  [8711, "nabla"],
  [8712, "isin"],
  [8713, "notin"],
  [8715, "ni"],
  [8719, "prod"],
  [8721, "sum"],
  [8722, "minus"],
  [8727, "lowast"],
  [8730, "radic"],
  [8733, "prop"],
  [8734, "infin"],
  [8736, "ang"],
  [8743, "and"],
  [8744, "or"],
  [8745, "cap"],
  [8746, "cup"],
  [8747, "int"],
  [8756, "there4"],
  [8764, "sim"],
  [8773, "cong"],
  [8776, "asymp"],
  [8800, "ne"],
  [8801, "equiv"],
  [8804, "le"],
  [8805, "ge"],
  [8834, "sub"],
  [8835, "sup"],
  [8836, "nsub"],
  [8838, "sube"],
  [8839, "supe"],
  [8853, "oplus"],
  [8855, "otimes"],
  [8869, "perp"],
  [8901, "sdot"],
  [8968, "lceil"],
  [8969, "rceil"],
  [8970, "lfloor"],
  [8971, "rfloor"],
  [9001, "lang"],
  [9002, "rang"],
  [9674, "loz"],
  [9824, "spades"],
  [9827, "clubs"],
  [9829, "hearts"],
  [9830, "diams"]
,
]);

function isIdentChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function escapeCodepoint(cp: number): string {
  const name = CODEPOINT_NAMES.get(cp);
  return '_' + (name ?? '0x' + cp.toString(16).padStart(2, '0')) + '_';
}

/**
 * Calls `visit` for each character of a UTF-8 byte string: its code point,
 * or for a byte that is not part of valid UTF-8, the byte value with
 * `valid` false (strict decoding: no overlong forms, surrogates or > U+10FFFF).
 */
export function forEachCodepoint(s: string, visit: (cp: number, valid: boolean) => void): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const b0 = s.charCodeAt(i);
    if (b0 < 0x80) {
      visit(b0, true);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1; cp = b0 & 0x1f; min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2; cp = b0 & 0x0f; min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3; cp = b0 & 0x07; min = 0x10000;
    } else {
      visit(b0, false);
      i++;
      continue;
    }
    let ok = i + need < n;
    for (let k = 1; ok && k <= need; k++) {
      const b = s.charCodeAt(i + k);
      if ((b & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (b & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      visit(cp, true);
      i += need + 1;
    } else {
      visit(b0, false);
      i++;
    }
  }
}

/** The identifier part of MP_QSTR_<ident> for a qstr given as a UTF-8 byte string. */
export function qstrIdent(qstr: string): string {
  let plain = true;
  for (let i = 0; i < qstr.length; i++) {
    if (!isIdentChar(qstr.charCodeAt(i))) {
      plain = false;
      break;
    }
  }
  if (plain) return qstr;
  let out = '';
  forEachCodepoint(qstr, (cp, valid) => {
    if (!valid) out += '_0x' + cp.toString(16).padStart(2, '0') + '_';
    else if (cp < 0x80 && isIdentChar(cp)) out += String.fromCharCode(cp);
    else out += escapeCodepoint(cp);
  });
  return out;
}

// Escape name -> ASCII character, for reading MP_QSTR_ names back. Only
// ASCII punctuation: names of other characters ("pi", "not", "int", "sum")
// are too likely to be parts of ordinary C identifiers.
const NAME_TO_ASCII: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const [cp, name] of CODEPOINT_NAMES) if (cp < 0x80) m.set(name, cp);
  return m;
})();

function codepointToUtf8(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) {
    return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  );
}

/**
 * Best reading of an MP_QSTR_<ident> name as qstr text (UTF-8 byte string).
 * Escaping is not reversible in general ("__lt__" names both "__lt__" and
 * "_<_"), so this guesses: an `_<name>_` run naming an ASCII punctuation
 * character, or `_0x<hex>_`, is decoded unless a literal '_' comes right
 * before it ("_lt_module_gt_" -> "<module>", "utf_hyphen_8" -> "utf-8",
 * "__lt__" stays). A guess whose escape is not `ident` again is dropped, so
 * the result always has MP_QSTR_<ident> as its C name.
 */
export function identToQstr(ident: string): string {
  let out = '';
  let i = 0;
  let prevLiteralUnderscore = false;
  const n = ident.length;
  while (i < n) {
    const c = ident.charCodeAt(i);
    if (c === 0x5f && !prevLiteralUnderscore) {
      const decoded = decodeEscapeAt(ident, i);
      if (decoded !== undefined) {
        out += decoded.text;
        i = decoded.end;
        prevLiteralUnderscore = false;
        continue;
      }
    }
    out += ident[i];
    prevLiteralUnderscore = c === 0x5f;
    i++;
  }
  return out !== ident && qstrIdent(out) !== ident ? ident : out;
}

// An escape `_<name>_` starting at `start`; names hold at most one '_'
// ("brace_open"), so the first two closing candidates are tried, longer first.
function decodeEscapeAt(ident: string, start: number): { text: string; end: number } | undefined {
  const first = ident.indexOf('_', start + 1);
  if (first < 0) return undefined;
  const second = ident.indexOf('_', first + 1);
  for (const close of second > 0 ? [second, first] : [first]) {
    const name = ident.slice(start + 1, close);
    if (name.length === 0) continue;
    const ascii = NAME_TO_ASCII.get(name);
    if (ascii !== undefined) return { text: String.fromCharCode(ascii), end: close + 1 };
    if (/^0x[0-9a-f]{2,6}$/.test(name)) {
      const cp = parseInt(name.slice(2), 16);
      if (cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) return { text: codepointToUtf8(cp), end: close + 1 };
    }
  }
  return undefined;
}
