// The option catalogue: every MICROPY_* switch of upstream py/mpconfig.h
// (v1.28.0) that a port can set, with its type and its default written as an
// expression of the ROM level and of other options (see expr.ts). The
// resolver evaluates these lazily, so an option's default sees the final
// values of the options it depends on, as the C preprocessor would.
//
// Names used in default expressions besides options:
//   level                      the ROM level (0, 10, 20, 30, 40, 50)
//   MINIMUM CORE BASIC EXTRA FULL EVERYTHING   the level constants
//   MICROPY_<ENUM>_<CHOICE>    enum constants (see ENUMS)
//   TARGET_* / MP_*            facts about the target, from the profile
//                              (word size, ISA, C library), see boards.ts
// Function-like macros (MICROPY_WRAP_*, MICROPY_GC_HOOK_LOOP,
// MICROPY_MAKE_POINTER_CALLABLE) are not options one can set from JSON and
// are left out; `mpi config import` reports them.
import { parseExpr, type ParsedExpr } from './expr.ts';

/** Enumerated options: the constant names, in value order (value = index). */
export const ENUMS = {
  OBJ_REPR: ['MICROPY_OBJ_REPR_A', 'MICROPY_OBJ_REPR_B', 'MICROPY_OBJ_REPR_C', 'MICROPY_OBJ_REPR_D'],
  LONGINT_IMPL: ['MICROPY_LONGINT_IMPL_NONE', 'MICROPY_LONGINT_IMPL_LONGLONG', 'MICROPY_LONGINT_IMPL_MPZ'],
  ERROR_REPORTING: [
    'MICROPY_ERROR_REPORTING_NONE',
    'MICROPY_ERROR_REPORTING_TERSE',
    'MICROPY_ERROR_REPORTING_NORMAL',
    'MICROPY_ERROR_REPORTING_DETAILED',
  ],
  FLOAT_IMPL: ['MICROPY_FLOAT_IMPL_NONE', 'MICROPY_FLOAT_IMPL_FLOAT', 'MICROPY_FLOAT_IMPL_DOUBLE'],
  FLOAT_FORMAT_IMPL: ['MICROPY_FLOAT_FORMAT_IMPL_BASIC', 'MICROPY_FLOAT_FORMAT_IMPL_APPROX', 'MICROPY_FLOAT_FORMAT_IMPL_EXACT'],
  TIMESTAMP_IMPL: ['MICROPY_TIMESTAMP_IMPL_LONG_LONG', 'MICROPY_TIMESTAMP_IMPL_UINT', 'MICROPY_TIMESTAMP_IMPL_TIME_T'],
  BUILTINS_CODE: [
    'MICROPY_PY_BUILTINS_CODE_NONE',
    'MICROPY_PY_BUILTINS_CODE_MINIMUM',
    'MICROPY_PY_BUILTINS_CODE_BASIC',
    'MICROPY_PY_BUILTINS_CODE_FULL',
  ],
} as const;
export type EnumName = keyof typeof ENUMS;

/** The ROM levels, by their mpconfig.json spelling, with their numeric value. */
export const ROM_LEVELS = {
  MINIMUM: 0,
  CORE_FEATURES: 10,
  BASIC_FEATURES: 20,
  EXTRA_FEATURES: 30,
  FULL_FEATURES: 40,
  EVERYTHING: 50,
} as const;
export type RomLevel = keyof typeof ROM_LEVELS;

export type Group =
  | 'misc'
  | 'objrepr'
  | 'memory'
  | 'emitters'
  | 'compiler'
  | 'debug'
  | 'optimisation'
  | 'internals'
  | 'builtins'
  | 'hooks';

/**
 * How the compiler pipeline relates to an option:
 * - 'modelled': a CompilerFeatures switch (src/options.ts); frozen code is compiled with it
 * - 'unmodelled': upstream's lexer/parser/compiler/emitter consults it, but our
 *   compiler always behaves as the reference mpy-cross build does
 */
export type CompilerUse = 'modelled' | 'unmodelled';

interface SpecBase {
  readonly name: string;
  readonly group: Group;
  /** default, as an expression (ctext: the C text itself) */
  readonly defaultText: string;
  /** computed by mpconfig.h from other options; a config cannot set it */
  readonly derived: boolean;
  readonly compiler?: CompilerUse;
  readonly doc?: string;
  /** inclusive bounds for ints */
  readonly min?: number;
  readonly max?: number;
}
export type OptionSpec =
  | (SpecBase & { readonly type: 'bool' })
  | (SpecBase & { readonly type: 'int' })
  | (SpecBase & { readonly type: 'choice'; readonly choices: readonly string[] })
  // C text (types, pointers, strings, empty hooks): copied verbatim into headers
  | (SpecBase & { readonly type: 'ctext' });

type Draft = { name: string; type: 'bool' | 'int' | 'ctext' | EnumName; defaultText: string; derived?: boolean };

const bool = (name: string, defaultText: string): Draft => ({ name, type: 'bool', defaultText });
const int = (name: string, defaultText: string): Draft => ({ name, type: 'int', defaultText });
const ctext = (name: string, defaultText: string): Draft => ({ name, type: 'ctext', defaultText });
const choice = (name: string, enumName: EnumName, defaultText: string): Draft => ({ name, type: enumName, defaultText });
/** mpconfig.h computes these unconditionally (plain #define, no #ifndef) */
const derivedInt = (name: string, defaultText: string): Draft => ({ name, type: 'int', defaultText, derived: true });
const derivedBool = (name: string, defaultText: string): Draft => ({ name, type: 'bool', defaultText, derived: true });

function section(group: Group, drafts: readonly Draft[]): (Draft & { group: Group })[] {
  return drafts.map((d) => ({ ...d, group }));
}

const DRAFTS = [
  ...section('misc', [
    bool('MICROPY_PREVIEW_VERSION_2', '0'),
  ]),
  ...section('objrepr', [
    choice('MICROPY_OBJ_REPR', 'OBJ_REPR', 'MICROPY_OBJ_REPR_A'),
    bool('MICROPY_OBJ_IMMEDIATE_OBJS', 'MICROPY_OBJ_REPR != MICROPY_OBJ_REPR_D'),
    derivedInt('MP_BYTES_PER_OBJ_WORD', 'MICROPY_OBJ_REPR == MICROPY_OBJ_REPR_D ? 8 : TARGET_WORD_BYTES'),
    derivedInt('MP_SMALL_INT_BITS', 'MICROPY_OBJ_REPR == MICROPY_OBJ_REPR_D ? 47 : MICROPY_OBJ_REPR == MICROPY_OBJ_REPR_B ? MP_BYTES_PER_OBJ_WORD * 8 - 2 : MP_BYTES_PER_OBJ_WORD * 8 - 1'),
  ]),
  ...section('memory', [
    int('MICROPY_BYTES_PER_GC_BLOCK', '4 * MP_BYTES_PER_OBJ_WORD'),
    int('MICROPY_ALLOC_GC_STACK_SIZE', '64'),
    ctext('MICROPY_GC_STACK_ENTRY_TYPE', 'size_t'),
    bool('MICROPY_GC_CONSERVATIVE_CLEAR', 'MICROPY_ENABLE_GC'),
    bool('MICROPY_GC_ALLOC_THRESHOLD', 'level >= CORE'),
    int('MICROPY_ALLOC_QSTR_CHUNK_INIT', '128'),
    int('MICROPY_ALLOC_LEXER_INDENT_INIT', '10'),
    int('MICROPY_ALLOC_LEXEL_INDENT_INC', '8'),
    int('MICROPY_ALLOC_PARSE_RULE_INIT', '64'),
    int('MICROPY_ALLOC_PARSE_RULE_INC', '16'),
    int('MICROPY_ALLOC_PARSE_RESULT_INIT', '32'),
    int('MICROPY_ALLOC_PARSE_RESULT_INC', '16'),
    int('MICROPY_ALLOC_PARSE_INTERN_STRING_LEN', '10'),
    int('MICROPY_ALLOC_PARSE_CHUNK_INIT', '128'),
    int('MICROPY_ALLOC_SCOPE_ID_INIT', '4'),
    int('MICROPY_ALLOC_SCOPE_ID_INC', '6'),
    int('MICROPY_ALLOC_PATH_MAX', '512'),
    int('MICROPY_MODULE_DICT_SIZE', '1'),
    int('MICROPY_LOADED_MODULES_DICT_SIZE', '3'),
    bool('MICROPY_MALLOC_USES_ALLOCATED_SIZE', '0'),
    int('MICROPY_QSTR_BYTES_IN_LEN', '1'),
    int('MICROPY_QSTR_BYTES_IN_HASH', 'level >= EXTRA ? 2 : level >= CORE ? 1 : 0'),
    bool('MICROPY_STACKLESS', '0'),
    bool('MICROPY_STACKLESS_STRICT', '0'),
  ]),
  ...section('emitters', [
    bool('MICROPY_PERSISTENT_CODE_LOAD', '0'),
    bool('MICROPY_PERSISTENT_CODE_LOAD_NATIVE', 'MICROPY_EMIT_MACHINE_CODE'),
    bool('MICROPY_PERSISTENT_CODE_SAVE', 'MICROPY_PY_SYS_SETTRACE'),
    bool('MICROPY_PERSISTENT_CODE_SAVE_FILE', '0'),
    bool('MICROPY_PERSISTENT_CODE_SAVE_FUN', 'MICROPY_PY_MARSHAL'),
    bool('MICROPY_PERSISTENT_CODE', 'MICROPY_PERSISTENT_CODE_LOAD || MICROPY_PERSISTENT_CODE_LOAD_NATIVE || MICROPY_PERSISTENT_CODE_SAVE || MICROPY_MODULE_FROZEN_MPY'),
    bool('MICROPY_EMIT_BYTECODE_USES_QSTR_TABLE', 'MICROPY_PERSISTENT_CODE'),
    bool('MICROPY_EMIT_X64', '0'),
    bool('MICROPY_EMIT_X86', '0'),
    bool('MICROPY_EMIT_THUMB', '0'),
    bool('MICROPY_EMIT_THUMB_ARMV7M', '1'),
    bool('MICROPY_EMIT_INLINE_THUMB', '0'),
    bool('MICROPY_EMIT_INLINE_THUMB_FLOAT', '1'),
    bool('MICROPY_EMIT_ARM', '0'),
    bool('MICROPY_EMIT_XTENSA', '0'),
    bool('MICROPY_EMIT_INLINE_XTENSA', '0'),
    bool('MICROPY_EMIT_INLINE_XTENSA_UNCOMMON_OPCODES', '0'),
    bool('MICROPY_EMIT_XTENSAWIN', '0'),
    bool('MICROPY_EMIT_RV32', '0'),
    bool('MICROPY_EMIT_RV32_ZBA', '0'),
    bool('MICROPY_EMIT_RV32_ZCMP', '0'),
    bool('MICROPY_EMIT_INLINE_RV32', '0'),
    bool('MICROPY_EMIT_NATIVE_DEBUG', '0'),
    derivedBool('MICROPY_EMIT_NATIVE', 'MICROPY_EMIT_X64 || MICROPY_EMIT_X86 || MICROPY_EMIT_THUMB || MICROPY_EMIT_ARM || MICROPY_EMIT_XTENSA || MICROPY_EMIT_XTENSAWIN || MICROPY_EMIT_RV32 || MICROPY_EMIT_NATIVE_DEBUG'),
    derivedBool('MICROPY_EMIT_NATIVE_PRELUDE_SEPARATE_FROM_MACHINE_CODE', 'MICROPY_EMIT_XTENSAWIN'),
    derivedBool('MICROPY_EMIT_INLINE_ASM', 'MICROPY_EMIT_INLINE_THUMB || MICROPY_EMIT_INLINE_XTENSA || MICROPY_EMIT_INLINE_RV32'),
    derivedBool('MICROPY_EMIT_MACHINE_CODE', 'MICROPY_EMIT_NATIVE || MICROPY_EMIT_INLINE_ASM'),
    derivedBool('MICROPY_ENABLE_NATIVE_CODE', 'MICROPY_EMIT_NATIVE || MICROPY_PERSISTENT_CODE_LOAD_NATIVE'),
  ]),
  ...section('compiler', [
    bool('MICROPY_ENABLE_COMPILER', 'level >= CORE'),
    bool('MICROPY_DYNAMIC_COMPILER', '0'),
    bool('MICROPY_COMP_ALLOW_TOP_LEVEL_AWAIT', '0'),
    bool('MICROPY_COMP_CONST_FOLDING', 'level >= CORE'),
    bool('MICROPY_COMP_CONST_TUPLE', 'level >= CORE'),
    bool('MICROPY_COMP_CONST_LITERAL', 'level >= CORE'),
    bool('MICROPY_COMP_MODULE_CONST', 'level >= EXTRA'),
    bool('MICROPY_COMP_CONST', 'level >= CORE'),
    bool('MICROPY_COMP_CONST_FLOAT', 'level >= CORE'),
    bool('MICROPY_COMP_DOUBLE_TUPLE_ASSIGN', 'level >= CORE'),
    bool('MICROPY_COMP_TRIPLE_TUPLE_ASSIGN', 'level >= EXTRA'),
    bool('MICROPY_COMP_RETURN_IF_EXPR', 'level >= EXTRA'),
  ]),
  ...section('debug', [
    bool('MICROPY_MEM_STATS', '0'),
    ctext('MICROPY_DEBUG_PRINTER', '&mp_plat_print'),
    bool('MICROPY_DEBUG_PRINTERS', '0'),
    bool('MICROPY_DEBUG_VERBOSE', '0'),
    bool('MICROPY_DEBUG_MP_OBJ_SENTINELS', '0'),
    bool('MICROPY_DEBUG_PARSE_RULE_NAME', '0'),
    bool('MICROPY_DEBUG_VM_STACK_OVERFLOW', '0'),
    bool('MICROPY_DEBUG_VALGRIND', '0'),
  ]),
  ...section('optimisation', [
    bool('MICROPY_OPT_COMPUTED_GOTO', '0'),
    bool('MICROPY_OPT_LOAD_ATTR_FAST_PATH', 'level >= EXTRA'),
    bool('MICROPY_OPT_MAP_LOOKUP_CACHE', 'level >= EXTRA'),
    int('MICROPY_OPT_MAP_LOOKUP_CACHE_SIZE', '128'),
    bool('MICROPY_OPT_MPZ_BITWISE', 'level >= EXTRA'),
    bool('MICROPY_OPT_MATH_FACTORIAL', 'level >= EXTRA'),
  ]),
  ...section('internals', [
    bool('MICROPY_NLR_THUMB_USE_LONG_JUMP', '0'),
    bool('MICROPY_ENABLE_EXTERNAL_IMPORT', 'level >= CORE'),
    bool('MICROPY_READER_POSIX', '0'),
    bool('MICROPY_READER_VFS', '0'),
    bool('MICROPY_HAS_FILE_READER', 'MICROPY_READER_POSIX || MICROPY_READER_VFS'),
    ctext('MICROPY_VM_HOOK_INIT', ''),
    ctext('MICROPY_VM_HOOK_LOOP', ''),
    ctext('MICROPY_VM_HOOK_RETURN', ''),
    ctext('MICROPY_SCHED_HOOK_SCHEDULED', ''),
    bool('MICROPY_ENABLE_GC', '0'),
    bool('MICROPY_GC_SPLIT_HEAP', '0'),
    bool('MICROPY_GC_SPLIT_HEAP_AUTO', '0'),
    bool('MICROPY_TRACKED_ALLOC', '0'),
    bool('MICROPY_ENABLE_FINALISER', 'level >= EXTRA'),
    bool('MICROPY_ENABLE_PYSTACK', '0'),
    int('MICROPY_PYSTACK_ALIGN', '8'),
    bool('MICROPY_STACK_CHECK', 'level >= EXTRA'),
    int('MICROPY_STACK_CHECK_MARGIN', '0'),
    int('MICROPY_STACK_SIZE_HARD_IRQ', '0'),
    bool('MICROPY_ENABLE_EMERGENCY_EXCEPTION_BUF', '0'),
    int('MICROPY_EMERGENCY_EXCEPTION_BUF_SIZE', '0'),
    bool('MICROPY_KBD_EXCEPTION', 'level >= EXTRA'),
    bool('MICROPY_ASYNC_KBD_INTR', '0'),
    bool('MICROPY_HELPER_REPL', 'level >= EXTRA'),
    bool('MICROPY_REPL_INFO', '0'),
    bool('MICROPY_REPL_EMACS_KEYS', 'level >= EXTRA'),
    bool('MICROPY_REPL_EMACS_WORDS_MOVE', 'level >= EVERYTHING'),
    bool('MICROPY_REPL_EMACS_EXTRA_WORDS_MOVE', 'level >= EVERYTHING'),
    bool('MICROPY_REPL_AUTO_INDENT', 'level >= EXTRA'),
    bool('MICROPY_REPL_EVENT_DRIVEN', '0'),
    int('MICROPY_READLINE_HISTORY_SIZE', '8'),
    bool('MICROPY_HELPER_LEXER_UNIX', '0'),
    choice('MICROPY_LONGINT_IMPL', 'LONGINT_IMPL', 'MICROPY_LONGINT_IMPL_NONE'),
    bool('MICROPY_ENABLE_SOURCE_LINE', 'level >= EXTRA'),
    bool('MICROPY_ENABLE_DOC_STRING', '0'),
    choice('MICROPY_ERROR_REPORTING', 'ERROR_REPORTING', 'level >= FULL ? MICROPY_ERROR_REPORTING_DETAILED : level >= CORE ? MICROPY_ERROR_REPORTING_NORMAL : MICROPY_ERROR_REPORTING_TERSE'),
    bool('MICROPY_WARNINGS', '0'),
    bool('MICROPY_WARNINGS_CATEGORY', '0'),
    ctext('MICROPY_ERROR_PRINTER', '&mp_plat_print'),
    choice('MICROPY_FLOAT_IMPL', 'FLOAT_IMPL', 'MICROPY_FLOAT_IMPL_NONE'),
    derivedBool('MICROPY_PY_BUILTINS_FLOAT', 'MICROPY_FLOAT_IMPL != MICROPY_FLOAT_IMPL_NONE'),
    bool('MICROPY_PY_BUILTINS_COMPLEX', 'MICROPY_PY_BUILTINS_FLOAT'),
    choice('MICROPY_FLOAT_FORMAT_IMPL', 'FLOAT_FORMAT_IMPL', 'MICROPY_FLOAT_IMPL == MICROPY_FLOAT_IMPL_FLOAT ? MICROPY_FLOAT_FORMAT_IMPL_APPROX : TARGET_LONG_DOUBLE_WIDER ? MICROPY_FLOAT_FORMAT_IMPL_EXACT : MICROPY_FLOAT_FORMAT_IMPL_APPROX'),
    bool('MICROPY_FLOAT_USE_NATIVE_FLT16', 'TARGET_HAS_FLT16'),
    bool('MICROPY_FLOAT_HIGH_QUALITY_HASH', 'level >= EVERYTHING'),
    bool('MICROPY_CPYTHON_COMPAT', 'level >= CORE'),
    bool('MICROPY_FULL_CHECKS', 'level >= CORE'),
    bool('MICROPY_EPOCH_IS_2000', 'defined(MICROPY_EPOCH_IS_1970) ? 1 - MICROPY_EPOCH_IS_1970 : 1'),
    bool('MICROPY_EPOCH_IS_1970', '1 - MICROPY_EPOCH_IS_2000'),
    bool('MICROPY_TIME_SUPPORT_Y1969_AND_BEFORE', 'MP_SSIZE_MAX > 2147483647'),
    bool('MICROPY_TIME_SUPPORT_Y2100_AND_BEYOND', 'MICROPY_TIME_SUPPORT_Y1969_AND_BEFORE'),
    choice('MICROPY_TIMESTAMP_IMPL', 'TIMESTAMP_IMPL', 'MICROPY_TIME_SUPPORT_Y2100_AND_BEYOND || MICROPY_TIME_SUPPORT_Y1969_AND_BEFORE || MICROPY_EPOCH_IS_2000 ? MICROPY_TIMESTAMP_IMPL_LONG_LONG : MICROPY_TIMESTAMP_IMPL_UINT'),
    bool('MICROPY_STREAMS_NON_BLOCK', 'level >= EXTRA'),
    bool('MICROPY_STREAMS_POSIX_API', '0'),
    bool('MICROPY_STREAMS_DELEGATE_ERROR', 'level >= EXTRA'),
    bool('MICROPY_MODULE___ALL__', 'level >= BASIC'),
    bool('MICROPY_MODULE___FILE__', 'level >= CORE'),
    bool('MICROPY_MODULE_ATTR_DELEGATION', 'MICROPY_PY_SYS_ATTR_DELEGATION || level >= EXTRA'),
    bool('MICROPY_MODULE_BUILTIN_INIT', 'level >= EXTRA'),
    bool('MICROPY_MODULE_BUILTIN_SUBPACKAGES', 'MICROPY_PY_TSTRINGS || level >= EVERYTHING'),
    bool('MICROPY_MODULE_GETATTR', 'level >= CORE'),
    bool('MICROPY_MODULE_OVERRIDE_MAIN_IMPORT', '0'),
    bool('MICROPY_MODULE_FROZEN_STR', '0'),
    bool('MICROPY_MODULE_FROZEN_MPY', '0'),
    bool('MICROPY_MODULE_FROZEN', 'MICROPY_MODULE_FROZEN_STR || MICROPY_MODULE_FROZEN_MPY'),
    bool('MICROPY_CAN_OVERRIDE_BUILTINS', 'level >= EXTRA'),
    bool('MICROPY_BUILTIN_METHOD_CHECK_SELF_ARG', 'level >= CORE'),
    bool('MICROPY_USE_INTERNAL_ERRNO', '0'),
    bool('MICROPY_USE_INTERNAL_PRINTF', '1'),
    ctext('MICROPY_INTERNAL_PRINTF_PRINTER', '&mp_plat_print'),
    bool('MICROPY_ENABLE_VM_ABORT', '0'),
    bool('MICROPY_PYEXEC_ENABLE_VM_ABORT', '0'),
    bool('MICROPY_PYEXEC_ENABLE_EXIT_CODE_HANDLING', '0'),
    bool('MICROPY_ENABLE_SCHEDULER', 'level >= EXTRA'),
    bool('MICROPY_SCHEDULER_STATIC_NODES', '0'),
    int('MICROPY_SCHEDULER_DEPTH', '4'),
    bool('MICROPY_VFS', '0'),
    bool('MICROPY_VFS_WRITABLE', '1'),
    bool('MICROPY_VFS_ROM_IOCTL', 'MICROPY_VFS_ROM'),
    bool('MICROPY_VFS_POSIX', '0'),
    bool('MICROPY_VFS_POSIX_WRITABLE', '1'),
    bool('MICROPY_VFS_FAT', '0'),
    bool('MICROPY_VFS_LFS1', '0'),
    bool('MICROPY_VFS_LFS2', '0'),
    bool('MICROPY_VFS_ROM', '0'),
  ]),
  ...section('builtins', [
    bool('MICROPY_MULTIPLE_INHERITANCE', 'level >= CORE'),
    bool('MICROPY_PY_FUNCTION_ATTRS', 'level >= EXTRA'),
    bool('MICROPY_PY_FUNCTION_ATTRS_CODE', 'MICROPY_PY_MARSHAL || level >= FULL'),
    bool('MICROPY_PY_BOUND_METHOD_FULL_EQUALITY_CHECK', '0'),
    bool('MICROPY_PY_DESCRIPTORS', 'level >= EXTRA'),
    bool('MICROPY_PY_DELATTR_SETATTR', 'level >= EXTRA'),
    bool('MICROPY_PY_ASYNC_AWAIT', 'level >= CORE'),
    bool('MICROPY_PY_FSTRINGS', 'level >= EXTRA'),
    bool('MICROPY_PY_TSTRINGS', 'MICROPY_PY_FSTRINGS && level >= FULL'),
    bool('MICROPY_PY_ASSIGN_EXPR', 'level >= CORE'),
    bool('MICROPY_PY_GENERATOR_PEND_THROW', 'level >= CORE'),
    bool('MICROPY_PY_STR_BYTES_CMP_WARN', '0'),
    bool('MICROPY_PY_BUILTINS_BYTES_HEX', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_STR_UNICODE', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_STR_UNICODE_CHECK', 'MICROPY_PY_BUILTINS_STR_UNICODE'),
    bool('MICROPY_PY_BUILTINS_STR_CENTER', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_STR_COUNT', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_STR_OP_MODULO', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_STR_PARTITION', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_STR_SPLITLINES', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_BYTEARRAY', 'level >= CORE'),
    choice('MICROPY_PY_BUILTINS_CODE', 'BUILTINS_CODE', '(MICROPY_PY_SYS_SETTRACE ? MICROPY_PY_BUILTINS_CODE_FULL : (MICROPY_PY_FUNCTION_ATTRS_CODE ? MICROPY_PY_BUILTINS_CODE_BASIC : (MICROPY_PY_BUILTINS_COMPILE ? MICROPY_PY_BUILTINS_CODE_MINIMUM : MICROPY_PY_BUILTINS_CODE_NONE)))'),
    bool('MICROPY_PY_BUILTINS_DICT_FROMKEYS', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_MEMORYVIEW', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_MEMORYVIEW_ITEMSIZE', 'level >= EVERYTHING'),
    bool('MICROPY_PY_BUILTINS_SET', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_SLICE', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_SLICE_ATTRS', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_SLICE_INDICES', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_FROZENSET', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_PROPERTY', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_RANGE_ATTRS', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_RANGE_BINOP', 'level >= EVERYTHING'),
    bool('MICROPY_PY_BUILTINS_NEXT2', 'level >= BASIC'),
    bool('MICROPY_PY_BUILTINS_ROUND_INT', 'level >= EXTRA'),
    bool('MICROPY_PY_ALL_SPECIAL_METHODS', 'level >= EXTRA'),
    bool('MICROPY_PY_ALL_INPLACE_SPECIAL_METHODS', 'level >= EVERYTHING'),
    bool('MICROPY_PY_REVERSE_SPECIAL_METHODS', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_COMPILE', 'MICROPY_ENABLE_COMPILER && level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_ENUMERATE', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_EVAL_EXEC', 'MICROPY_ENABLE_COMPILER'),
    bool('MICROPY_PY_BUILTINS_EXECFILE', 'MICROPY_ENABLE_COMPILER && level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_FILTER', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_REVERSED', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_NOTIMPLEMENTED', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_INPUT', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_MIN_MAX', 'level >= CORE'),
    bool('MICROPY_PY_BUILTINS_POW3', 'level >= EXTRA'),
    bool('MICROPY_PY_BUILTINS_HELP', 'level >= EXTRA'),
    ctext('MICROPY_PY_BUILTINS_HELP_TEXT', 'mp_help_default_text'),
    bool('MICROPY_PY_BUILTINS_HELP_MODULES', 'level >= EXTRA'),
    bool('MICROPY_PY_MICROPYTHON_MEM_INFO', 'level >= EXTRA'),
    bool('MICROPY_PY_MICROPYTHON_STACK_USE', 'MICROPY_PY_MICROPYTHON_MEM_INFO'),
    bool('MICROPY_PY_MICROPYTHON_HEAP_LOCKED', 'level >= EVERYTHING'),
    bool('MICROPY_PY_MICROPYTHON_RINGIO', 'level >= EXTRA'),
    bool('MICROPY_PY_ARRAY', 'level >= CORE'),
    bool('MICROPY_PY_ARRAY_SLICE_ASSIGN', 'level >= EXTRA'),
    bool('MICROPY_PY_ATTRTUPLE', 'level >= CORE'),
    bool('MICROPY_PY_COLLECTIONS', 'level >= CORE'),
    bool('MICROPY_PY_COLLECTIONS_DEQUE', 'level >= EXTRA'),
    bool('MICROPY_PY_COLLECTIONS_DEQUE_ITER', 'level >= EXTRA'),
    bool('MICROPY_PY_COLLECTIONS_DEQUE_SUBSCR', 'level >= EXTRA'),
    bool('MICROPY_PY_COLLECTIONS_ORDEREDDICT', 'level >= EXTRA'),
    bool('MICROPY_PY_COLLECTIONS_NAMEDTUPLE__ASDICT', 'level >= EVERYTHING'),
    bool('MICROPY_PY_MARSHAL', 'level >= EVERYTHING'),
    bool('MICROPY_PY_MATH', 'level >= CORE'),
    bool('MICROPY_PY_MATH_CONSTANTS', 'level >= EXTRA'),
    bool('MICROPY_PY_MATH_SPECIAL_FUNCTIONS', 'level >= EXTRA'),
    bool('MICROPY_PY_MATH_FACTORIAL', 'level >= EXTRA'),
    bool('MICROPY_PY_MATH_ISCLOSE', 'level >= EXTRA'),
    bool('MICROPY_PY_MATH_ATAN2_FIX_INFNAN', '0'),
    bool('MICROPY_PY_MATH_FMOD_FIX_INFNAN', '0'),
    bool('MICROPY_PY_MATH_MODF_FIX_NEGZERO', '0'),
    bool('MICROPY_PY_MATH_POW_FIX_NAN', '0'),
    bool('MICROPY_PY_MATH_GAMMA_FIX_NEGINF', '0'),
    bool('MICROPY_PY_CMATH', 'level >= EXTRA'),
    bool('MICROPY_PY_MICROPYTHON', 'level >= CORE'),
    bool('MICROPY_PY_GC', 'level >= CORE'),
    bool('MICROPY_PY_GC_COLLECT_RETVAL', '0'),
    bool('MICROPY_PY_IO', 'level >= CORE'),
    bool('MICROPY_PY_IO_IOBASE', 'level >= CORE'),
    bool('MICROPY_PY_IO_BYTESIO', '1'),
    bool('MICROPY_PY_IO_BUFFEREDWRITER', 'level >= EVERYTHING'),
    bool('MICROPY_PY_STRUCT', 'level >= CORE'),
    bool('MICROPY_PY_STRUCT_UNSAFE_TYPECODES', '1'),
    bool('MICROPY_PY_SYS', '1'),
    bool('MICROPY_PY_SYS_PATH_ARGV_DEFAULTS', 'MICROPY_PY_SYS'),
    bool('MICROPY_PY_SYS_MAXSIZE', 'level >= EXTRA'),
    bool('MICROPY_PY_SYS_MODULES', '1'),
    bool('MICROPY_PY_SYS_EXC_INFO', '0'),
    bool('MICROPY_PY_SYS_EXECUTABLE', '0'),
    bool('MICROPY_PY_SYS_INTERN', 'level >= EVERYTHING'),
    bool('MICROPY_PY_SYS_EXIT', '1'),
    bool('MICROPY_PY_SYS_ATEXIT', '0'),
    bool('MICROPY_PY_SYS_PATH', '1'),
    bool('MICROPY_PY_SYS_ARGV', '1'),
    bool('MICROPY_PY_SYS_PS1_PS2', 'level >= EXTRA'),
    bool('MICROPY_PY_SYS_SETTRACE', '0'),
    bool('MICROPY_PY_SYS_GETSIZEOF', 'level >= EVERYTHING'),
    bool('MICROPY_PY_SYS_STDFILES', 'level >= EXTRA'),
    bool('MICROPY_PY_SYS_STDIO_BUFFER', 'level >= EXTRA'),
    bool('MICROPY_PY_SYS_TRACEBACKLIMIT', 'level >= EVERYTHING'),
    bool('MICROPY_PY_SYS_ATTR_DELEGATION', 'MICROPY_PY_SYS_PATH || MICROPY_PY_SYS_PS1_PS2 || MICROPY_PY_SYS_TRACEBACKLIMIT'),
    bool('MICROPY_PY_ERRNO', 'level >= EXTRA'),
    bool('MICROPY_PY_ERRNO_ERRORCODE', '1'),
    bool('MICROPY_PY_SELECT', 'level >= EXTRA'),
    bool('MICROPY_PY_SELECT_POSIX_OPTIMISATIONS', '0'),
    bool('MICROPY_PY_SELECT_SELECT', '1'),
    bool('MICROPY_PY_TIME', 'level >= BASIC'),
    bool('MICROPY_PY_TIME_GMTIME_LOCALTIME_MKTIME', '0'),
    bool('MICROPY_PY_TIME_TIME_TIME_NS', '0'),
    int('MICROPY_PY_TIME_TICKS_PERIOD', '1 << (MP_SMALL_INT_BITS - 1)'),
    bool('MICROPY_PY_THREAD', '0'),
    bool('MICROPY_PY_THREAD_GIL', 'MICROPY_PY_THREAD'),
    int('MICROPY_PY_THREAD_GIL_VM_DIVISOR', '32'),
    bool('MICROPY_PY_THREAD_RECURSIVE_MUTEX', 'MICROPY_PY_THREAD && !MICROPY_PY_THREAD_GIL'),
    bool('MICROPY_PY_WEAKREF', 'level >= EVERYTHING'),
    bool('MICROPY_PY_ASYNCIO', 'level >= EXTRA'),
    bool('MICROPY_PY_ASYNCIO_TASK_QUEUE_PUSH_CALLBACK', '0'),
    bool('MICROPY_PY_UCTYPES', 'level >= EXTRA'),
    bool('MICROPY_PY_UCTYPES_NATIVE_C_TYPES', '1'),
    bool('MICROPY_PY_DEFLATE', 'level >= EXTRA'),
    bool('MICROPY_PY_DEFLATE_COMPRESS', 'level >= FULL'),
    bool('MICROPY_PY_JSON', 'level >= EXTRA'),
    bool('MICROPY_PY_JSON_SEPARATORS', '1'),
    bool('MICROPY_PY_OS', 'level >= EXTRA'),
    bool('MICROPY_PY_OS_STATVFS', 'MICROPY_PY_OS'),
    bool('MICROPY_PY_RE', 'level >= EXTRA'),
    bool('MICROPY_PY_RE_DEBUG', 'level >= EVERYTHING'),
    bool('MICROPY_PY_RE_MATCH_GROUPS', 'level >= EVERYTHING'),
    bool('MICROPY_PY_RE_MATCH_SPAN_START_END', 'level >= EVERYTHING'),
    bool('MICROPY_PY_RE_SUB', 'level >= EXTRA'),
    bool('MICROPY_PY_HEAPQ', 'level >= EXTRA'),
    bool('MICROPY_PY_HASHLIB', 'level >= EXTRA'),
    bool('MICROPY_PY_HASHLIB_MD5', 'MICROPY_PY_SSL'),
    bool('MICROPY_PY_HASHLIB_SHA1', 'MICROPY_PY_SSL'),
    bool('MICROPY_PY_HASHLIB_SHA256', '1'),
    bool('MICROPY_PY_CRYPTOLIB', 'MICROPY_PY_SSL'),
    bool('MICROPY_PY_CRYPTOLIB_CTR', '0'),
    bool('MICROPY_PY_CRYPTOLIB_CONSTS', '0'),
    bool('MICROPY_PY_BINASCII', 'level >= EXTRA'),
    bool('MICROPY_PY_BINASCII_CRC32', 'level >= EXTRA'),
    bool('MICROPY_PY_RANDOM', 'level >= EXTRA'),
    bool('MICROPY_PY_RANDOM_EXTRA_FUNCS', 'level >= EXTRA'),
    bool('MICROPY_PY_MACHINE', '0'),
    bool('MICROPY_PY_MACHINE_RESET', '0'),
    int('MICROPY_PY_MACHINE_FREQ_NUM_ARGS_MAX', '1'),
    bool('MICROPY_PY_MACHINE_BITSTREAM', '0'),
    bool('MICROPY_PY_MACHINE_PULSE', '0'),
    bool('MICROPY_PY_MACHINE_MEMX', 'MICROPY_PY_MACHINE'),
    bool('MICROPY_PY_MACHINE_SIGNAL', 'MICROPY_PY_MACHINE'),
    bool('MICROPY_PY_MACHINE_I2C', '0'),
    bool('MICROPY_PY_MACHINE_I2C_TRANSFER_WRITE1', '0'),
    bool('MICROPY_PY_MACHINE_SOFTI2C', '0'),
    bool('MICROPY_PY_MACHINE_SPI', '0'),
    bool('MICROPY_PY_MACHINE_SOFTSPI', '0'),
    int('MICROPY_PY_MACHINE_SPI_MSB', '0'),
    int('MICROPY_PY_MACHINE_SPI_LSB', '1'),
    bool('MICROPY_PY_MACHINE_TIMER', '0'),
    int('MICROPY_PY_SOCKET_LISTEN_BACKLOG_DEFAULT', '2'),
    bool('MICROPY_PY_SSL', '0'),
    // referenced by mpconfig.h but defined by ports (undefined means 0 in #if)
    bool('MICROPY_SSL_MBEDTLS', '0'),
    bool('MICROPY_PY_SSL_ECDSA_SIGN_ALT', '0'),
    bool('MICROPY_PY_SSL_FINALISER', 'MICROPY_ENABLE_FINALISER'),
    bool('MICROPY_PY_SSL_MBEDTLS_NEED_ACTIVE_CONTEXT', 'MICROPY_PY_SSL_ECDSA_SIGN_ALT'),
    bool('MICROPY_PY_SSL_DTLS', 'MICROPY_SSL_MBEDTLS && level >= EXTRA'),
    bool('MICROPY_PY_VFS', 'level >= CORE && MICROPY_VFS'),
    bool('MICROPY_PY_WEBSOCKET', '0'),
    bool('MICROPY_PY_FRAMEBUF', 'level >= EXTRA'),
    bool('MICROPY_PY_BTREE', '0'),
    bool('MICROPY_PY_ONEWIRE', '0'),
    bool('MICROPY_PY_PLATFORM', 'level >= EXTRA'),
  ]),
  ...section('hooks', [
    ctext('MICROPY_PORT_BUILTINS', ''),
    ctext('MICROPY_PORT_EXTRA_BUILTINS', ''),
    ctext('MICROPY_PORT_CONSTANTS', ''),
  ]),
  ...section('misc', [
    ctext('MICROPY_OBJ_BASE_ALIGNMENT', ''),
    ctext('MICROPY_BANNER_NAME_AND_VERSION', "\"MicroPython \" MICROPY_GIT_TAG \" on \" MICROPY_BUILD_DATE"),
    ctext('MICROPY_BANNER_MACHINE', "MICROPY_PY_SYS_PLATFORM \" [\" MICROPY_PLATFORM_COMPILER \"] version\""),
    bool('MICROPY_PERSISTENT_CODE_TRACK_FUN_DATA', '(MICROPY_EMIT_INLINE_ASM || MICROPY_ENABLE_NATIVE_CODE) && MICROPY_PERSISTENT_CODE_LOAD && !TARGET_PLAT_EXEC_HOOKS'),
    bool('MICROPY_PERSISTENT_CODE_TRACK_BSS_RODATA', '(MICROPY_EMIT_INLINE_ASM || MICROPY_ENABLE_NATIVE_CODE) && MICROPY_PERSISTENT_CODE_LOAD && TARGET_PLAT_EXEC_HOOKS'),
    bool('MICROPY_USE_GCC_MUL_OVERFLOW_INTRINSIC', 'TARGET_ARM_ISA_THUMB ? TARGET_ARM_ISA_THUMB >= 2 : 1'),
  ]),
];

/** Our own one-line descriptions of the options that matter most here. */
const DOCS: Readonly<Record<string, string>> = {
  MICROPY_COMP_CONST_FOLDING: 'fold constant expressions (1 + 2, -3, 1 << 4) at compile time',
  MICROPY_COMP_CONST: 'support `x = const(...)` names that the compiler substitutes',
  MICROPY_COMP_MODULE_CONST: 'look up constants of built-in modules (e.g. errno.EIO) at compile time',
  MICROPY_COMP_CONST_FLOAT: 'fold float constant expressions and math-module float constants',
  MICROPY_COMP_CONST_TUPLE: 'store tuples of constants as one constant object',
  MICROPY_COMP_CONST_LITERAL: 'allow literal containers as const() values',
  MICROPY_COMP_DOUBLE_TUPLE_ASSIGN: 'compile `a, b = c, d` without building a tuple',
  MICROPY_COMP_TRIPLE_TUPLE_ASSIGN: 'compile `a, b, c = d, e, f` without building a tuple',
  MICROPY_COMP_RETURN_IF_EXPR: 'compile `return a if b else c` with jumps instead of a temporary',
  MICROPY_COMP_ALLOW_TOP_LEVEL_AWAIT: 'accept await at module level',
  MICROPY_PY_ASYNC_AWAIT: 'async def / await / async for / async with syntax',
  MICROPY_PY_ASSIGN_EXPR: 'assignment expressions (:=)',
  MICROPY_PY_FSTRINGS: 'f-string literals',
  MICROPY_PY_TSTRINGS: 't-string (template string) literals',
  MICROPY_ENABLE_DOC_STRING: 'keep docstrings in compiled code',
  MICROPY_PY_BUILTINS_FLOAT: 'float type (derived: on when MICROPY_FLOAT_IMPL is not NONE)',
  MICROPY_PY_BUILTINS_COMPLEX: 'complex type and imaginary literals',
  MICROPY_PY_BUILTINS_STR_UNICODE: 'str is unicode (\\u escapes in str literals)',
  MICROPY_FLOAT_IMPL: 'float representation: NONE, FLOAT (single) or DOUBLE',
  MICROPY_LONGINT_IMPL: 'integers beyond the small-int range: NONE, LONGLONG (64-bit) or MPZ (arbitrary)',
  MICROPY_OBJ_REPR: 'object word layout; fixes the small-int width (A/C: word-1 bits, B: word-2, D: 47)',
  MP_SMALL_INT_BITS: 'bits of a small int in the runtime (derived from MICROPY_OBJ_REPR and the word size)',
  MP_BYTES_PER_OBJ_WORD: 'bytes in an object word (derived from the target and MICROPY_OBJ_REPR)',
  MICROPY_ENABLE_SOURCE_LINE: 'record line numbers in bytecode (for tracebacks)',
  MICROPY_ERROR_REPORTING: 'detail of error messages: NONE, TERSE, NORMAL or DETAILED',
  MICROPY_ENABLE_COMPILER: 'include the compiler in the runtime (eval/exec/REPL)',
  MICROPY_PERSISTENT_CODE_LOAD: 'the runtime can import .mpy files (needed for .mpy in ROMFS)',
  MICROPY_PERSISTENT_CODE_LOAD_NATIVE: 'the runtime can load .mpy files holding native machine code',
  MICROPY_EMIT_ARM: 'native emitter for ARM (A32) code: armv6',
  MICROPY_EMIT_THUMB: 'native emitter for Thumb code: armv6m/armv7m/armv7em*',
  MICROPY_VFS: 'virtual file system layer',
  MICROPY_VFS_ROM: 'read-only ROMFS file system (where frozen code lives)',
  MICROPY_READER_VFS: 'import source and .mpy files through the VFS',
  MICROPY_QSTR_BYTES_IN_HASH: 'bytes of hash stored per qstr (0, 1 or 2)',
  MICROPY_QSTR_BYTES_IN_LEN: 'bytes of length stored per qstr (1 or 2)',
  MICROPY_ALLOC_PARSE_INTERN_STRING_LEN: 'string literals up to this length become qstrs',
  MICROPY_PY_BUILTINS_SET: 'set type and {a, b} displays',
  MICROPY_PY_BUILTINS_SLICE: 'slice objects and a[b:c] syntax',
  MICROPY_ENABLE_GC: 'garbage-collected heap',
};

const MODELLED = new Set([
  'MICROPY_COMP_CONST_FOLDING', 'MICROPY_COMP_CONST', 'MICROPY_COMP_MODULE_CONST', 'MICROPY_COMP_CONST_FLOAT',
  'MICROPY_COMP_CONST_TUPLE', 'MICROPY_COMP_CONST_LITERAL', 'MICROPY_COMP_DOUBLE_TUPLE_ASSIGN',
  'MICROPY_COMP_TRIPLE_TUPLE_ASSIGN', 'MICROPY_COMP_RETURN_IF_EXPR', 'MICROPY_COMP_ALLOW_TOP_LEVEL_AWAIT',
  'MICROPY_PY_ASYNC_AWAIT', 'MICROPY_PY_ASSIGN_EXPR', 'MICROPY_PY_FSTRINGS', 'MICROPY_PY_TSTRINGS',
  'MICROPY_ENABLE_DOC_STRING', 'MICROPY_PY_BUILTINS_FLOAT', 'MICROPY_PY_BUILTINS_COMPLEX',
  'MICROPY_PY_BUILTINS_STR_UNICODE',
]);

// Consulted by upstream's py/lexer.c, parse.c, compile.c, emitbc.c or
// persistentcode.c but not a CompilerFeatures switch.
const UNMODELLED = new Set([
  'MICROPY_ENABLE_COMPILER', 'MICROPY_DYNAMIC_COMPILER', 'MICROPY_PY_BUILTINS_SET', 'MICROPY_PY_BUILTINS_SLICE',
  'MICROPY_CPYTHON_COMPAT', 'MICROPY_ERROR_REPORTING', 'MICROPY_ENABLE_SOURCE_LINE', 'MICROPY_PY_MATH',
  'MICROPY_PY_UCTYPES', 'MICROPY_PY_ERRNO', 'MICROPY_PY_COLLECTIONS_ORDEREDDICT',
  'MICROPY_ALLOC_PARSE_INTERN_STRING_LEN', 'MICROPY_PY_SYS_SETTRACE', 'MICROPY_EMIT_BYTECODE_USES_QSTR_TABLE',
  'MICROPY_PERSISTENT_CODE_SAVE', 'MICROPY_LONGINT_IMPL', 'MICROPY_OBJ_REPR', 'MICROPY_DEBUG_PRINTERS',
  'MICROPY_EMIT_X64', 'MICROPY_EMIT_X86', 'MICROPY_EMIT_THUMB', 'MICROPY_EMIT_ARM', 'MICROPY_EMIT_XTENSA',
  'MICROPY_EMIT_XTENSAWIN', 'MICROPY_EMIT_RV32', 'MICROPY_EMIT_NATIVE_DEBUG', 'MICROPY_EMIT_INLINE_THUMB',
  'MICROPY_EMIT_INLINE_XTENSA', 'MICROPY_EMIT_INLINE_RV32',
]);

const BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  MICROPY_QSTR_BYTES_IN_HASH: [0, 2],
  MICROPY_QSTR_BYTES_IN_LEN: [1, 2],
};

/** Names an expression may use that are not options: filled by the profile (boards.ts). */
export const TARGET_FACTS = [
  'TARGET_WORD_BYTES',
  'TARGET_LONG_DOUBLE_WIDER',
  'TARGET_HAS_FLT16',
  'TARGET_ARM_ISA_THUMB',
  'TARGET_PLAT_EXEC_HOOKS',
  'MP_SSIZE_MAX',
] as const;
export type TargetFact = (typeof TARGET_FACTS)[number];

export const LEVEL_NAMES: Readonly<Record<string, number>> = {
  MINIMUM: 0,
  CORE: 10,
  BASIC: 20,
  EXTRA: 30,
  FULL: 40,
  EVERYTHING: 50,
};

/** Enum constant name -> [enum, value]. */
export const ENUM_CONSTANTS: ReadonlyMap<string, readonly [EnumName, number]> = new Map(
  (Object.keys(ENUMS) as EnumName[]).flatMap((e) => ENUMS[e].map((c, i) => [c, [e, i] as const] as const)),
);

function finish(d: Draft & { group: Group }): OptionSpec {
  const base = {
    name: d.name,
    group: d.group,
    defaultText: d.defaultText,
    derived: d.derived === true,
    compiler: MODELLED.has(d.name) ? ('modelled' as const) : UNMODELLED.has(d.name) ? ('unmodelled' as const) : undefined,
    doc: DOCS[d.name],
    min: BOUNDS[d.name]?.[0],
    max: BOUNDS[d.name]?.[1],
  };
  if (d.type === 'bool' || d.type === 'int' || d.type === 'ctext') return { ...base, type: d.type };
  return { ...base, type: 'choice', choices: ENUMS[d.type] };
}

/** Every option, in mpconfig.h order. */
export const CATALOGUE: readonly OptionSpec[] = DRAFTS.map(finish);

export const OPTIONS: ReadonlyMap<string, OptionSpec> = new Map(CATALOGUE.map((s) => [s.name, s]));

const parsedDefaults = new Map<string, ParsedExpr>();

/** The compiled default of a non-ctext option (parsed on first use, then cached). */
export function defaultExpr(spec: OptionSpec): ParsedExpr {
  let p = parsedDefaults.get(spec.name);
  if (p === undefined) {
    p = parseExpr(spec.defaultText);
    parsedDefaults.set(spec.name, p);
  }
  return p;
}
