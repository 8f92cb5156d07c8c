import { describe, expect, it } from 'vitest';
import { GRAMMAR, selectRules } from '../../grammar/rules.ts';

describe('grammar data', () => {
  it('numbers rules as the reference does (ids as printed by its parse-tree dump)', () => {
    const { ids } = selectRules({ asyncAwait: true, assignExpr: true });
    // compile-function rules first, then const_object, then the rest
    expect(ids.get('file_input')).toBe(0);
    expect(ids.get('file_input_2')).toBe(1);
    expect(ids.get('expr_stmt')).toBe(5);
    expect(ids.get('arith_expr')).toBe(39);
    expect(ids.get('term')).toBe(40);
    expect(ids.get('atom_expr_normal')).toBe(44);
    expect(ids.get('trailer_paren')).toBe(48);
    expect(ids.get('arglist')).toBe(164);
    expect(ids.get('import_as_name')).toBe(103);
    expect(ids.get('expr_stmt_augassign')).toBe(86);
    expect(ids.get('comp_op_not_in')).toBe(133);
  });

  it('references only rules that exist, in every feature combination', () => {
    for (const asyncAwait of [false, true]) {
      for (const assignExpr of [false, true]) {
        const { rules, ids } = selectRules({ asyncAwait, assignExpr });
        for (const r of rules) {
          if (r === null) continue;
          for (const a of r.args) if (a.kind !== 'tok') expect(ids.has(a.rule), `${r.name} -> ${a.rule}`).toBe(true);
          if (r.act.kind !== 'list') expect(r.args.length).toBe(r.act.n);
        }
        // each rule name appears once per combination
        const names = rules.filter((r) => r !== null).map((r) => r!.name);
        expect(new Set(names).size).toBe(names.length);
      }
    }
  });

  it('drops async and walrus rules when those features are off', () => {
    const { ids } = selectRules({ asyncAwait: false, assignExpr: false });
    expect(ids.has('async_stmt')).toBe(false);
    expect(ids.has('atom_expr_await')).toBe(false);
    expect(ids.has('namedexpr_test_2')).toBe(false);
    expect(ids.has('namedexpr_test')).toBe(true);
    expect(GRAMMAR.filter((r) => r.name === 'namedexpr_test')).toHaveLength(2);
  });
});
