// Token kinds produced by the lexer and stored in parse-tree token leaves.
// The order follows upstream's lexer: the compiler relies on contiguous runs
// (comparison operators, binary operators, augmented assignments) lining up
// with the runtime's operator numbering, so do not reorder.
export enum Tok {
  End,

  Invalid,
  DedentMismatch,
  LonelyStringOpen,
  MalformedFstring,

  Newline,
  Indent,
  Dedent,

  Name,
  Integer,
  FloatOrImag,
  String,
  Bytes,

  Ellipsis,

  KwFalse,
  KwNone,
  KwTrue,
  KwDebug, // __debug__
  KwAnd,
  KwAs,
  KwAssert,
  KwAsync,
  KwAwait,
  KwBreak,
  KwClass,
  KwContinue,
  KwDef,
  KwDel,
  KwElif,
  KwElse,
  KwExcept,
  KwFinally,
  KwFor,
  KwFrom,
  KwGlobal,
  KwIf,
  KwImport,
  KwIn,
  KwIs,
  KwLambda,
  KwNonlocal,
  KwNot,
  KwOr,
  KwPass,
  KwRaise,
  KwReturn,
  KwTry,
  KwWhile,
  KwWith,
  KwYield,

  OpAssign, // :=
  OpTilde,

  // comparison operators: same order as the first six binary ops
  OpLess,
  OpMore,
  OpDblEqual,
  OpLessEqual,
  OpMoreEqual,
  OpNotEqual,

  // binary operators: same order as BinaryOp.Or .. BinaryOp.Power
  OpPipe,
  OpCaret,
  OpAmpersand,
  OpDblLess,
  OpDblMore,
  OpPlus,
  OpMinus,
  OpStar,
  OpAt,
  OpDblSlash,
  OpSlash,
  OpPercent,
  OpDblStar,

  // augmented assignment: same order as BinaryOp.InplaceOr .. BinaryOp.InplacePower
  DelPipeEqual,
  DelCaretEqual,
  DelAmpersandEqual,
  DelDblLessEqual,
  DelDblMoreEqual,
  DelPlusEqual,
  DelMinusEqual,
  DelStarEqual,
  DelAtEqual,
  DelDblSlashEqual,
  DelSlashEqual,
  DelPercentEqual,
  DelDblStarEqual,

  DelParenOpen,
  DelParenClose,
  DelBracketOpen,
  DelBracketClose,
  DelBraceOpen,
  DelBraceClose,
  DelComma,
  DelColon,
  DelPeriod,
  DelSemicolon,
  DelEqual,
  DelMinusMore, // ->

  NumberOf,
}
