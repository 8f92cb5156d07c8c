// The Python grammar as data, mirroring the reference parser's grammar
// (py/grammar.h). Each rule is an `or` (first alternative that matches), an
// `and` (a fixed sequence) or a list (`oneOrMore`: item+, `list`: item
// (sep item)*, `listWithEnd`: same with an optional trailing separator).
//
// Flags that shape the parse tree:
// - andIdent: when only one argument is non-empty, the rule is replaced by
//   that argument instead of producing a node;
// - andBlank: the node gets one extra trailing null argument (the compiler
//   stores per-node data there);
// - compiled: the reference has a compile function for the rule; these rules
//   come first in its rule numbering.
// Rules tagged `when` exist only with a feature on ('async', 'walrus') or
// off ('!async', '!walrus').
import { Tok } from '../src/tokens.ts';

/** Every grammar rule name, as the reference spells it without `RULE_`. */
export type RuleName =
  | 'generic_colon_test'
  | 'generic_equal_test'
  | 'single_input'
  | 'file_input'
  | 'file_input_2'
  | 'file_input_3'
  | 'eval_input'
  | 'eval_input_2'
  | 'decorator'
  | 'decorators'
  | 'decorated'
  | 'decorated_body'
  | 'async_funcdef'
  | 'funcdef'
  | 'funcdefrettype'
  | 'typedargslist'
  | 'typedargslist_item'
  | 'typedargslist_name'
  | 'typedargslist_star'
  | 'typedargslist_dbl_star'
  | 'tfpdef'
  | 'varargslist'
  | 'varargslist_item'
  | 'varargslist_name'
  | 'varargslist_star'
  | 'varargslist_dbl_star'
  | 'vfpdef'
  | 'stmt'
  | 'simple_stmt'
  | 'simple_stmt_2'
  | 'small_stmt'
  | 'expr_stmt'
  | 'expr_stmt_2'
  | 'expr_stmt_augassign'
  | 'expr_stmt_assign_list'
  | 'expr_stmt_assign'
  | 'expr_stmt_6'
  | 'testlist_star_expr'
  | 'testlist_star_expr_2'
  | 'annassign'
  | 'augassign'
  | 'del_stmt'
  | 'pass_stmt'
  | 'flow_stmt'
  | 'break_stmt'
  | 'continue_stmt'
  | 'return_stmt'
  | 'yield_stmt'
  | 'raise_stmt'
  | 'raise_stmt_arg'
  | 'raise_stmt_from'
  | 'import_stmt'
  | 'import_name'
  | 'import_from'
  | 'import_from_2'
  | 'import_from_2b'
  | 'import_from_3'
  | 'import_as_names_paren'
  | 'one_or_more_period_or_ellipsis'
  | 'period_or_ellipsis'
  | 'import_as_name'
  | 'dotted_as_name'
  | 'as_name'
  | 'import_as_names'
  | 'dotted_as_names'
  | 'dotted_name'
  | 'global_stmt'
  | 'nonlocal_stmt'
  | 'name_list'
  | 'assert_stmt'
  | 'assert_stmt_extra'
  | 'compound_stmt'
  | 'async_stmt'
  | 'async_stmt_2'
  | 'if_stmt'
  | 'if_stmt_elif_list'
  | 'if_stmt_elif'
  | 'while_stmt'
  | 'for_stmt'
  | 'try_stmt'
  | 'try_stmt_2'
  | 'try_stmt_except_and_more'
  | 'try_stmt_except'
  | 'try_stmt_as_name'
  | 'try_stmt_except_list'
  | 'try_stmt_finally'
  | 'else_stmt'
  | 'with_stmt'
  | 'with_stmt_list'
  | 'with_item'
  | 'with_item_as'
  | 'suite'
  | 'suite_block'
  | 'suite_block_stmts'
  | 'namedexpr_test'
  | 'namedexpr_test_2'
  | 'test'
  | 'test_if_expr'
  | 'test_if_else'
  | 'test_nocond'
  | 'lambdef'
  | 'lambdef_nocond'
  | 'or_test'
  | 'and_test'
  | 'not_test'
  | 'not_test_2'
  | 'comparison'
  | 'comp_op'
  | 'comp_op_not_in'
  | 'comp_op_is'
  | 'comp_op_is_not'
  | 'star_expr'
  | 'expr'
  | 'xor_expr'
  | 'and_expr'
  | 'shift_expr'
  | 'shift_op'
  | 'arith_expr'
  | 'arith_op'
  | 'term'
  | 'term_op'
  | 'factor'
  | 'factor_2'
  | 'factor_op'
  | 'power'
  | 'atom_expr'
  | 'atom_expr_await'
  | 'atom_expr_normal'
  | 'atom_expr_trailers'
  | 'power_dbl_star'
  | 'atom'
  | 'atom_paren'
  | 'atom_2b'
  | 'atom_bracket'
  | 'atom_brace'
  | 'testlist_comp'
  | 'testlist_comp_2'
  | 'testlist_comp_3'
  | 'testlist_comp_3b'
  | 'testlist_comp_3c'
  | 'trailer'
  | 'trailer_paren'
  | 'trailer_bracket'
  | 'trailer_period'
  | 'subscriptlist'
  | 'subscript'
  | 'subscript_2'
  | 'subscript_3'
  | 'subscript_3b'
  | 'subscript_3c'
  | 'subscript_3d'
  | 'sliceop'
  | 'exprlist'
  | 'exprlist_2'
  | 'testlist'
  | 'dictorsetmaker'
  | 'dictorsetmaker_item'
  | 'dictorsetmaker_tail'
  | 'dictorsetmaker_list'
  | 'dictorsetmaker_list2'
  | 'classdef'
  | 'classdef_2'
  | 'arglist'
  | 'arglist_2'
  | 'arglist_star'
  | 'arglist_dbl_star'
  | 'argument'
  | 'argument_2'
  | 'argument_3'
  | 'comp_iter'
  | 'comp_for'
  | 'comp_if'
  | 'yield_expr'
  | 'yield_arg'
  | 'yield_arg_from';

export type RuleAct =
  | { readonly kind: 'or'; readonly n: number }
  | { readonly kind: 'and'; readonly n: number; readonly ident: boolean; readonly blank: boolean }
  | { readonly kind: 'list'; readonly n: 1 | 2 | 3 };

export type RuleArg =
  | { readonly kind: 'tok'; readonly tok: Tok }
  | { readonly kind: 'rule'; readonly rule: RuleName }
  | { readonly kind: 'opt'; readonly rule: RuleName };

export type GrammarCondition = 'async' | '!async' | 'walrus' | '!walrus';

export interface RuleDef {
  readonly name: RuleName;
  readonly compiled: boolean;
  readonly act: RuleAct;
  readonly args: readonly RuleArg[];
  readonly when?: GrammarCondition;
}

const or = (n: number): RuleAct => ({ kind: 'or', n });
const and = (n: number): RuleAct => ({ kind: 'and', n, ident: false, blank: false });
const andIdent = (n: number): RuleAct => ({ kind: 'and', n, ident: true, blank: false });
const andBlank = (n: number): RuleAct => ({ kind: 'and', n, ident: false, blank: true });
const oneOrMore: RuleAct = { kind: 'list', n: 2 };
const list: RuleAct = { kind: 'list', n: 1 };
const listWithEnd: RuleAct = { kind: 'list', n: 3 };
const tok = (t: Tok): RuleArg => ({ kind: 'tok', tok: t });
const rule = (r: RuleName): RuleArg => ({ kind: 'rule', rule: r });
const opt = (r: RuleName): RuleArg => ({ kind: 'opt', rule: r });

/** All rules in the reference's declaration order. */
export const GRAMMAR: readonly RuleDef[] = [
  { name: 'generic_colon_test', compiled: false, act: andIdent(2), args: [tok(Tok.DelColon), rule('test')] },
  { name: 'generic_equal_test', compiled: false, act: andIdent(2), args: [tok(Tok.DelEqual), rule('test')] },
  { name: 'single_input', compiled: false, act: or(3), args: [tok(Tok.Newline), rule('simple_stmt'), rule('compound_stmt')] },
  { name: 'file_input', compiled: true, act: andIdent(1), args: [opt('file_input_2')] },
  { name: 'file_input_2', compiled: true, act: oneOrMore, args: [rule('file_input_3')] },
  { name: 'file_input_3', compiled: false, act: or(2), args: [tok(Tok.Newline), rule('stmt')] },
  { name: 'eval_input', compiled: false, act: andIdent(2), args: [rule('testlist'), opt('eval_input_2')] },
  { name: 'eval_input_2', compiled: false, act: and(1), args: [tok(Tok.Newline)] },
  { name: 'decorator', compiled: false, act: and(4), args: [tok(Tok.OpAt), rule('dotted_name'), opt('trailer_paren'), tok(Tok.Newline)] },
  { name: 'decorators', compiled: false, act: oneOrMore, args: [rule('decorator')] },
  { name: 'decorated', compiled: true, act: andIdent(2), args: [rule('decorators'), rule('decorated_body')] },
  { name: 'decorated_body', compiled: false, act: or(3), args: [rule('classdef'), rule('funcdef'), rule('async_funcdef')], when: 'async' },
  { name: 'async_funcdef', compiled: false, act: and(2), args: [tok(Tok.KwAsync), rule('funcdef')], when: 'async' },
  { name: 'decorated_body', compiled: false, act: or(2), args: [rule('classdef'), rule('funcdef')], when: '!async' },
  { name: 'funcdef', compiled: true, act: andBlank(8), args: [tok(Tok.KwDef), tok(Tok.Name), tok(Tok.DelParenOpen), opt('typedargslist'), tok(Tok.DelParenClose), opt('funcdefrettype'), tok(Tok.DelColon), rule('suite')] },
  { name: 'funcdefrettype', compiled: false, act: andIdent(2), args: [tok(Tok.DelMinusMore), rule('test')] },
  { name: 'typedargslist', compiled: false, act: listWithEnd, args: [rule('typedargslist_item'), tok(Tok.DelComma)] },
  { name: 'typedargslist_item', compiled: false, act: or(3), args: [rule('typedargslist_name'), rule('typedargslist_star'), rule('typedargslist_dbl_star')] },
  { name: 'typedargslist_name', compiled: false, act: andIdent(3), args: [tok(Tok.Name), opt('generic_colon_test'), opt('generic_equal_test')] },
  { name: 'typedargslist_star', compiled: false, act: and(2), args: [tok(Tok.OpStar), opt('tfpdef')] },
  { name: 'typedargslist_dbl_star', compiled: false, act: and(3), args: [tok(Tok.OpDblStar), tok(Tok.Name), opt('generic_colon_test')] },
  { name: 'tfpdef', compiled: false, act: and(2), args: [tok(Tok.Name), opt('generic_colon_test')] },
  { name: 'varargslist', compiled: false, act: listWithEnd, args: [rule('varargslist_item'), tok(Tok.DelComma)] },
  { name: 'varargslist_item', compiled: false, act: or(3), args: [rule('varargslist_name'), rule('varargslist_star'), rule('varargslist_dbl_star')] },
  { name: 'varargslist_name', compiled: false, act: andIdent(2), args: [tok(Tok.Name), opt('generic_equal_test')] },
  { name: 'varargslist_star', compiled: false, act: and(2), args: [tok(Tok.OpStar), opt('vfpdef')] },
  { name: 'varargslist_dbl_star', compiled: false, act: and(2), args: [tok(Tok.OpDblStar), tok(Tok.Name)] },
  { name: 'vfpdef', compiled: false, act: andIdent(1), args: [tok(Tok.Name)] },
  { name: 'stmt', compiled: false, act: or(2), args: [rule('compound_stmt'), rule('simple_stmt')] },
  { name: 'simple_stmt', compiled: false, act: andIdent(2), args: [rule('simple_stmt_2'), tok(Tok.Newline)] },
  { name: 'simple_stmt_2', compiled: true, act: listWithEnd, args: [rule('small_stmt'), tok(Tok.DelSemicolon)] },
  { name: 'small_stmt', compiled: false, act: or(8), args: [rule('del_stmt'), rule('pass_stmt'), rule('flow_stmt'), rule('import_stmt'), rule('global_stmt'), rule('nonlocal_stmt'), rule('assert_stmt'), rule('expr_stmt')] },
  { name: 'expr_stmt', compiled: true, act: and(2), args: [rule('testlist_star_expr'), opt('expr_stmt_2')] },
  { name: 'expr_stmt_2', compiled: false, act: or(3), args: [rule('annassign'), rule('expr_stmt_augassign'), rule('expr_stmt_assign_list')] },
  { name: 'expr_stmt_augassign', compiled: false, act: andIdent(2), args: [rule('augassign'), rule('expr_stmt_6')] },
  { name: 'expr_stmt_assign_list', compiled: false, act: oneOrMore, args: [rule('expr_stmt_assign')] },
  { name: 'expr_stmt_assign', compiled: false, act: andIdent(2), args: [tok(Tok.DelEqual), rule('expr_stmt_6')] },
  { name: 'expr_stmt_6', compiled: false, act: or(2), args: [rule('yield_expr'), rule('testlist_star_expr')] },
  { name: 'testlist_star_expr', compiled: true, act: listWithEnd, args: [rule('testlist_star_expr_2'), tok(Tok.DelComma)] },
  { name: 'testlist_star_expr_2', compiled: false, act: or(2), args: [rule('star_expr'), rule('test')] },
  { name: 'annassign', compiled: false, act: and(3), args: [tok(Tok.DelColon), rule('test'), opt('expr_stmt_assign')] },
  { name: 'augassign', compiled: false, act: or(13), args: [tok(Tok.DelPlusEqual), tok(Tok.DelMinusEqual), tok(Tok.DelStarEqual), tok(Tok.DelAtEqual), tok(Tok.DelSlashEqual), tok(Tok.DelPercentEqual), tok(Tok.DelAmpersandEqual), tok(Tok.DelPipeEqual), tok(Tok.DelCaretEqual), tok(Tok.DelDblLessEqual), tok(Tok.DelDblMoreEqual), tok(Tok.DelDblStarEqual), tok(Tok.DelDblSlashEqual)] },
  { name: 'del_stmt', compiled: true, act: and(2), args: [tok(Tok.KwDel), rule('exprlist')] },
  { name: 'pass_stmt', compiled: true, act: and(1), args: [tok(Tok.KwPass)] },
  { name: 'flow_stmt', compiled: false, act: or(5), args: [rule('break_stmt'), rule('continue_stmt'), rule('return_stmt'), rule('raise_stmt'), rule('yield_stmt')] },
  { name: 'break_stmt', compiled: true, act: and(1), args: [tok(Tok.KwBreak)] },
  { name: 'continue_stmt', compiled: true, act: and(1), args: [tok(Tok.KwContinue)] },
  { name: 'return_stmt', compiled: true, act: and(2), args: [tok(Tok.KwReturn), opt('testlist')] },
  { name: 'yield_stmt', compiled: true, act: and(1), args: [rule('yield_expr')] },
  { name: 'raise_stmt', compiled: true, act: and(2), args: [tok(Tok.KwRaise), opt('raise_stmt_arg')] },
  { name: 'raise_stmt_arg', compiled: false, act: andIdent(2), args: [rule('test'), opt('raise_stmt_from')] },
  { name: 'raise_stmt_from', compiled: false, act: andIdent(2), args: [tok(Tok.KwFrom), rule('test')] },
  { name: 'import_stmt', compiled: false, act: or(2), args: [rule('import_name'), rule('import_from')] },
  { name: 'import_name', compiled: true, act: and(2), args: [tok(Tok.KwImport), rule('dotted_as_names')] },
  { name: 'import_from', compiled: true, act: and(4), args: [tok(Tok.KwFrom), rule('import_from_2'), tok(Tok.KwImport), rule('import_from_3')] },
  { name: 'import_from_2', compiled: false, act: or(2), args: [rule('dotted_name'), rule('import_from_2b')] },
  { name: 'import_from_2b', compiled: false, act: andIdent(2), args: [rule('one_or_more_period_or_ellipsis'), opt('dotted_name')] },
  { name: 'import_from_3', compiled: false, act: or(3), args: [tok(Tok.OpStar), rule('import_as_names_paren'), rule('import_as_names')] },
  { name: 'import_as_names_paren', compiled: false, act: andIdent(3), args: [tok(Tok.DelParenOpen), rule('import_as_names'), tok(Tok.DelParenClose)] },
  { name: 'one_or_more_period_or_ellipsis', compiled: false, act: oneOrMore, args: [rule('period_or_ellipsis')] },
  { name: 'period_or_ellipsis', compiled: false, act: or(2), args: [tok(Tok.DelPeriod), tok(Tok.Ellipsis)] },
  { name: 'import_as_name', compiled: false, act: and(2), args: [tok(Tok.Name), opt('as_name')] },
  { name: 'dotted_as_name', compiled: false, act: andIdent(2), args: [rule('dotted_name'), opt('as_name')] },
  { name: 'as_name', compiled: false, act: andIdent(2), args: [tok(Tok.KwAs), tok(Tok.Name)] },
  { name: 'import_as_names', compiled: false, act: listWithEnd, args: [rule('import_as_name'), tok(Tok.DelComma)] },
  { name: 'dotted_as_names', compiled: false, act: list, args: [rule('dotted_as_name'), tok(Tok.DelComma)] },
  { name: 'dotted_name', compiled: false, act: list, args: [tok(Tok.Name), tok(Tok.DelPeriod)] },
  { name: 'global_stmt', compiled: true, act: and(2), args: [tok(Tok.KwGlobal), rule('name_list')] },
  { name: 'nonlocal_stmt', compiled: true, act: and(2), args: [tok(Tok.KwNonlocal), rule('name_list')] },
  { name: 'name_list', compiled: false, act: list, args: [tok(Tok.Name), tok(Tok.DelComma)] },
  { name: 'assert_stmt', compiled: true, act: and(3), args: [tok(Tok.KwAssert), rule('test'), opt('assert_stmt_extra')] },
  { name: 'assert_stmt_extra', compiled: false, act: andIdent(2), args: [tok(Tok.DelComma), rule('test')] },
  { name: 'compound_stmt', compiled: false, act: or(9), args: [rule('if_stmt'), rule('while_stmt'), rule('for_stmt'), rule('try_stmt'), rule('with_stmt'), rule('funcdef'), rule('classdef'), rule('decorated'), rule('async_stmt')], when: 'async' },
  { name: 'async_stmt', compiled: true, act: and(2), args: [tok(Tok.KwAsync), rule('async_stmt_2')], when: 'async' },
  { name: 'async_stmt_2', compiled: false, act: or(3), args: [rule('funcdef'), rule('with_stmt'), rule('for_stmt')], when: 'async' },
  { name: 'compound_stmt', compiled: false, act: or(8), args: [rule('if_stmt'), rule('while_stmt'), rule('for_stmt'), rule('try_stmt'), rule('with_stmt'), rule('funcdef'), rule('classdef'), rule('decorated')], when: '!async' },
  { name: 'if_stmt', compiled: true, act: and(6), args: [tok(Tok.KwIf), rule('namedexpr_test'), tok(Tok.DelColon), rule('suite'), opt('if_stmt_elif_list'), opt('else_stmt')] },
  { name: 'if_stmt_elif_list', compiled: false, act: oneOrMore, args: [rule('if_stmt_elif')] },
  { name: 'if_stmt_elif', compiled: false, act: and(4), args: [tok(Tok.KwElif), rule('namedexpr_test'), tok(Tok.DelColon), rule('suite')] },
  { name: 'while_stmt', compiled: true, act: and(5), args: [tok(Tok.KwWhile), rule('namedexpr_test'), tok(Tok.DelColon), rule('suite'), opt('else_stmt')] },
  { name: 'for_stmt', compiled: true, act: and(7), args: [tok(Tok.KwFor), rule('exprlist'), tok(Tok.KwIn), rule('testlist'), tok(Tok.DelColon), rule('suite'), opt('else_stmt')] },
  { name: 'try_stmt', compiled: true, act: and(4), args: [tok(Tok.KwTry), tok(Tok.DelColon), rule('suite'), rule('try_stmt_2')] },
  { name: 'try_stmt_2', compiled: false, act: or(2), args: [rule('try_stmt_except_and_more'), rule('try_stmt_finally')] },
  { name: 'try_stmt_except_and_more', compiled: false, act: andIdent(3), args: [rule('try_stmt_except_list'), opt('else_stmt'), opt('try_stmt_finally')] },
  { name: 'try_stmt_except', compiled: false, act: and(4), args: [tok(Tok.KwExcept), opt('try_stmt_as_name'), tok(Tok.DelColon), rule('suite')] },
  { name: 'try_stmt_as_name', compiled: false, act: andIdent(2), args: [rule('test'), opt('as_name')] },
  { name: 'try_stmt_except_list', compiled: false, act: oneOrMore, args: [rule('try_stmt_except')] },
  { name: 'try_stmt_finally', compiled: false, act: and(3), args: [tok(Tok.KwFinally), tok(Tok.DelColon), rule('suite')] },
  { name: 'else_stmt', compiled: false, act: andIdent(3), args: [tok(Tok.KwElse), tok(Tok.DelColon), rule('suite')] },
  { name: 'with_stmt', compiled: true, act: and(4), args: [tok(Tok.KwWith), rule('with_stmt_list'), tok(Tok.DelColon), rule('suite')] },
  { name: 'with_stmt_list', compiled: false, act: list, args: [rule('with_item'), tok(Tok.DelComma)] },
  { name: 'with_item', compiled: false, act: andIdent(2), args: [rule('test'), opt('with_item_as')] },
  { name: 'with_item_as', compiled: false, act: andIdent(2), args: [tok(Tok.KwAs), rule('expr')] },
  { name: 'suite', compiled: false, act: or(2), args: [rule('suite_block'), rule('simple_stmt')] },
  { name: 'suite_block', compiled: false, act: andIdent(4), args: [tok(Tok.Newline), tok(Tok.Indent), rule('suite_block_stmts'), tok(Tok.Dedent)] },
  { name: 'suite_block_stmts', compiled: true, act: oneOrMore, args: [rule('stmt')] },
  { name: 'namedexpr_test', compiled: true, act: andIdent(2), args: [rule('test'), opt('namedexpr_test_2')], when: 'walrus' },
  { name: 'namedexpr_test_2', compiled: false, act: andIdent(2), args: [tok(Tok.OpAssign), rule('test')], when: 'walrus' },
  { name: 'namedexpr_test', compiled: false, act: or(1), args: [rule('test')], when: '!walrus' },
  { name: 'test', compiled: false, act: or(2), args: [rule('lambdef'), rule('test_if_expr')] },
  { name: 'test_if_expr', compiled: true, act: andIdent(2), args: [rule('or_test'), opt('test_if_else')] },
  { name: 'test_if_else', compiled: false, act: and(4), args: [tok(Tok.KwIf), rule('or_test'), tok(Tok.KwElse), rule('test')] },
  { name: 'test_nocond', compiled: false, act: or(2), args: [rule('lambdef_nocond'), rule('or_test')] },
  { name: 'lambdef', compiled: true, act: andBlank(4), args: [tok(Tok.KwLambda), opt('varargslist'), tok(Tok.DelColon), rule('test')] },
  { name: 'lambdef_nocond', compiled: true, act: andBlank(4), args: [tok(Tok.KwLambda), opt('varargslist'), tok(Tok.DelColon), rule('test_nocond')] },
  { name: 'or_test', compiled: true, act: list, args: [rule('and_test'), tok(Tok.KwOr)] },
  { name: 'and_test', compiled: true, act: list, args: [rule('not_test'), tok(Tok.KwAnd)] },
  { name: 'not_test', compiled: false, act: or(2), args: [rule('not_test_2'), rule('comparison')] },
  { name: 'not_test_2', compiled: true, act: and(2), args: [tok(Tok.KwNot), rule('not_test')] },
  { name: 'comparison', compiled: true, act: list, args: [rule('expr'), rule('comp_op')] },
  { name: 'comp_op', compiled: false, act: or(9), args: [tok(Tok.OpLess), tok(Tok.OpMore), tok(Tok.OpDblEqual), tok(Tok.OpLessEqual), tok(Tok.OpMoreEqual), tok(Tok.OpNotEqual), tok(Tok.KwIn), rule('comp_op_not_in'), rule('comp_op_is')] },
  { name: 'comp_op_not_in', compiled: false, act: and(2), args: [tok(Tok.KwNot), tok(Tok.KwIn)] },
  { name: 'comp_op_is', compiled: false, act: and(2), args: [tok(Tok.KwIs), opt('comp_op_is_not')] },
  { name: 'comp_op_is_not', compiled: false, act: and(1), args: [tok(Tok.KwNot)] },
  { name: 'star_expr', compiled: true, act: and(2), args: [tok(Tok.OpStar), rule('expr')] },
  { name: 'expr', compiled: true, act: list, args: [rule('xor_expr'), tok(Tok.OpPipe)] },
  { name: 'xor_expr', compiled: true, act: list, args: [rule('and_expr'), tok(Tok.OpCaret)] },
  { name: 'and_expr', compiled: true, act: list, args: [rule('shift_expr'), tok(Tok.OpAmpersand)] },
  { name: 'shift_expr', compiled: true, act: list, args: [rule('arith_expr'), rule('shift_op')] },
  { name: 'shift_op', compiled: false, act: or(2), args: [tok(Tok.OpDblLess), tok(Tok.OpDblMore)] },
  { name: 'arith_expr', compiled: true, act: list, args: [rule('term'), rule('arith_op')] },
  { name: 'arith_op', compiled: false, act: or(2), args: [tok(Tok.OpPlus), tok(Tok.OpMinus)] },
  { name: 'term', compiled: true, act: list, args: [rule('factor'), rule('term_op')] },
  { name: 'term_op', compiled: false, act: or(5), args: [tok(Tok.OpStar), tok(Tok.OpAt), tok(Tok.OpSlash), tok(Tok.OpPercent), tok(Tok.OpDblSlash)] },
  { name: 'factor', compiled: false, act: or(2), args: [rule('factor_2'), rule('power')] },
  { name: 'factor_2', compiled: true, act: andIdent(2), args: [rule('factor_op'), rule('factor')] },
  { name: 'factor_op', compiled: false, act: or(3), args: [tok(Tok.OpPlus), tok(Tok.OpMinus), tok(Tok.OpTilde)] },
  { name: 'power', compiled: true, act: andIdent(2), args: [rule('atom_expr'), opt('power_dbl_star')] },
  { name: 'atom_expr', compiled: false, act: or(2), args: [rule('atom_expr_await'), rule('atom_expr_normal')], when: 'async' },
  { name: 'atom_expr_await', compiled: true, act: and(3), args: [tok(Tok.KwAwait), rule('atom'), opt('atom_expr_trailers')], when: 'async' },
  { name: 'atom_expr', compiled: false, act: or(1), args: [rule('atom_expr_normal')], when: '!async' },
  { name: 'atom_expr_normal', compiled: true, act: andIdent(2), args: [rule('atom'), opt('atom_expr_trailers')] },
  { name: 'atom_expr_trailers', compiled: false, act: oneOrMore, args: [rule('trailer')] },
  { name: 'power_dbl_star', compiled: false, act: andIdent(2), args: [tok(Tok.OpDblStar), rule('factor')] },
  { name: 'atom', compiled: false, act: or(12), args: [tok(Tok.Name), tok(Tok.Integer), tok(Tok.FloatOrImag), tok(Tok.String), tok(Tok.Bytes), tok(Tok.Ellipsis), tok(Tok.KwNone), tok(Tok.KwTrue), tok(Tok.KwFalse), rule('atom_paren'), rule('atom_bracket'), rule('atom_brace')] },
  { name: 'atom_paren', compiled: true, act: and(3), args: [tok(Tok.DelParenOpen), opt('atom_2b'), tok(Tok.DelParenClose)] },
  { name: 'atom_2b', compiled: false, act: or(2), args: [rule('yield_expr'), rule('testlist_comp')] },
  { name: 'atom_bracket', compiled: true, act: and(3), args: [tok(Tok.DelBracketOpen), opt('testlist_comp'), tok(Tok.DelBracketClose)] },
  { name: 'atom_brace', compiled: true, act: and(3), args: [tok(Tok.DelBraceOpen), opt('dictorsetmaker'), tok(Tok.DelBraceClose)] },
  { name: 'testlist_comp', compiled: false, act: andIdent(2), args: [rule('testlist_comp_2'), opt('testlist_comp_3')] },
  { name: 'testlist_comp_2', compiled: false, act: or(2), args: [rule('star_expr'), rule('namedexpr_test')] },
  { name: 'testlist_comp_3', compiled: false, act: or(2), args: [rule('comp_for'), rule('testlist_comp_3b')] },
  { name: 'testlist_comp_3b', compiled: false, act: andIdent(2), args: [tok(Tok.DelComma), opt('testlist_comp_3c')] },
  { name: 'testlist_comp_3c', compiled: false, act: listWithEnd, args: [rule('testlist_comp_2'), tok(Tok.DelComma)] },
  { name: 'trailer', compiled: false, act: or(3), args: [rule('trailer_paren'), rule('trailer_bracket'), rule('trailer_period')] },
  { name: 'trailer_paren', compiled: true, act: and(3), args: [tok(Tok.DelParenOpen), opt('arglist'), tok(Tok.DelParenClose)] },
  { name: 'trailer_bracket', compiled: true, act: and(3), args: [tok(Tok.DelBracketOpen), rule('subscriptlist'), tok(Tok.DelBracketClose)] },
  { name: 'trailer_period', compiled: true, act: and(2), args: [tok(Tok.DelPeriod), tok(Tok.Name)] },
  { name: 'subscriptlist', compiled: true, act: listWithEnd, args: [rule('subscript'), tok(Tok.DelComma)] },
  { name: 'subscript', compiled: false, act: or(2), args: [rule('subscript_3'), rule('subscript_2')] },
  { name: 'subscript_2', compiled: true, act: andIdent(2), args: [rule('test'), opt('subscript_3')] },
  { name: 'subscript_3', compiled: true, act: and(2), args: [tok(Tok.DelColon), opt('subscript_3b')] },
  { name: 'subscript_3b', compiled: false, act: or(2), args: [rule('subscript_3c'), rule('subscript_3d')] },
  { name: 'subscript_3c', compiled: false, act: and(2), args: [tok(Tok.DelColon), opt('test')] },
  { name: 'subscript_3d', compiled: false, act: andIdent(2), args: [rule('test'), opt('sliceop')] },
  { name: 'sliceop', compiled: false, act: and(2), args: [tok(Tok.DelColon), opt('test')] },
  { name: 'exprlist', compiled: false, act: listWithEnd, args: [rule('exprlist_2'), tok(Tok.DelComma)] },
  { name: 'exprlist_2', compiled: false, act: or(2), args: [rule('star_expr'), rule('expr')] },
  { name: 'testlist', compiled: true, act: listWithEnd, args: [rule('test'), tok(Tok.DelComma)] },
  { name: 'dictorsetmaker', compiled: false, act: andIdent(2), args: [rule('dictorsetmaker_item'), opt('dictorsetmaker_tail')] },
  { name: 'dictorsetmaker_item', compiled: true, act: andIdent(2), args: [rule('test'), opt('generic_colon_test')] },
  { name: 'dictorsetmaker_tail', compiled: false, act: or(2), args: [rule('comp_for'), rule('dictorsetmaker_list')] },
  { name: 'dictorsetmaker_list', compiled: false, act: and(2), args: [tok(Tok.DelComma), opt('dictorsetmaker_list2')] },
  { name: 'dictorsetmaker_list2', compiled: false, act: listWithEnd, args: [rule('dictorsetmaker_item'), tok(Tok.DelComma)] },
  { name: 'classdef', compiled: true, act: andBlank(5), args: [tok(Tok.KwClass), tok(Tok.Name), opt('classdef_2'), tok(Tok.DelColon), rule('suite')] },
  { name: 'classdef_2', compiled: false, act: andIdent(3), args: [tok(Tok.DelParenOpen), opt('arglist'), tok(Tok.DelParenClose)] },
  { name: 'arglist', compiled: false, act: listWithEnd, args: [rule('arglist_2'), tok(Tok.DelComma)] },
  { name: 'arglist_2', compiled: false, act: or(3), args: [rule('arglist_star'), rule('arglist_dbl_star'), rule('argument')] },
  { name: 'arglist_star', compiled: false, act: and(2), args: [tok(Tok.OpStar), rule('test')] },
  { name: 'arglist_dbl_star', compiled: false, act: and(2), args: [tok(Tok.OpDblStar), rule('test')] },
  { name: 'argument', compiled: false, act: andIdent(2), args: [rule('test'), opt('argument_2')] },
  { name: 'argument_2', compiled: false, act: or(3), args: [rule('comp_for'), rule('generic_equal_test'), rule('argument_3')], when: 'walrus' },
  { name: 'argument_3', compiled: false, act: and(2), args: [tok(Tok.OpAssign), rule('test')], when: 'walrus' },
  { name: 'argument_2', compiled: false, act: or(2), args: [rule('comp_for'), rule('generic_equal_test')], when: '!walrus' },
  { name: 'comp_iter', compiled: false, act: or(2), args: [rule('comp_for'), rule('comp_if')] },
  { name: 'comp_for', compiled: false, act: andBlank(5), args: [tok(Tok.KwFor), rule('exprlist'), tok(Tok.KwIn), rule('or_test'), opt('comp_iter')] },
  { name: 'comp_if', compiled: false, act: and(3), args: [tok(Tok.KwIf), rule('test_nocond'), opt('comp_iter')] },
  { name: 'yield_expr', compiled: true, act: and(2), args: [tok(Tok.KwYield), opt('yield_arg')] },
  { name: 'yield_arg', compiled: false, act: or(2), args: [rule('yield_arg_from'), rule('testlist')] },
  { name: 'yield_arg_from', compiled: false, act: and(2), args: [tok(Tok.KwFrom), rule('test')] },
];

/** Which optional grammar parts are enabled. */
export interface GrammarFeatures {
  readonly asyncAwait: boolean;
  readonly assignExpr: boolean;
}

function ruleEnabled(def: RuleDef, f: GrammarFeatures): boolean {
  switch (def.when) {
    case undefined:
      return true;
    case 'async':
      return f.asyncAwait;
    case '!async':
      return !f.asyncAwait;
    case 'walrus':
      return f.assignExpr;
    case '!walrus':
      return !f.assignExpr;
  }
}

/** The pseudo-rule of constant-object nodes; numbered between the two rule groups as in the reference. */
export const CONST_OBJECT_RULE = 'const_object';

/**
 * The active rules for a feature set, numbered as the reference numbers them:
 * rules with a compile function first, then `const_object`, then the rest.
 */
export function selectRules(f: GrammarFeatures): { readonly rules: readonly (RuleDef | null)[]; readonly ids: ReadonlyMap<string, number> } {
  const active = GRAMMAR.filter((d) => ruleEnabled(d, f));
  const ordered: (RuleDef | null)[] = [...active.filter((d) => d.compiled), null, ...active.filter((d) => !d.compiled)];
  const ids = new Map<string, number>();
  ordered.forEach((d, i) => ids.set(d === null ? CONST_OBJECT_RULE : d.name, i));
  return { rules: ordered, ids };
}
