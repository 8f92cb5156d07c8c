// The parse tree handed from the parser to the compiler. It mirrors
// upstream's parse nodes: leaves for small ints, identifiers, interned
// strings and tokens; struct nodes for grammar rules; and a const-object
// node for folded or non-interned constants.
import type { ConstObj } from './objects.ts';
import type { Tok } from './tokens.ts';

/** A grammar rule name as upstream spells it, without the `RULE_` prefix. */
import type { RuleName } from '../grammar/rules.ts';
export type { RuleName };

export type ParseNode = null | PnSmallInt | PnId | PnString | PnToken | PnConst | PnStruct;

/** An integer that fits the host small-int range (upstream: MP_PARSE_NODE_SMALL_INT). */
export interface PnSmallInt {
  readonly kind: 'int';
  readonly value: bigint;
}
/** An identifier (byte string), interned as a qstr. */
export interface PnId {
  readonly kind: 'id';
  readonly name: string;
}
/** A string literal that is interned as a qstr (byte string). */
export interface PnString {
  readonly kind: 'str';
  readonly value: string;
}
/** A token leaf: keywords like None/True/..., operators inside expression rules. */
export interface PnToken {
  readonly kind: 'tok';
  readonly tok: Tok;
}
/** A constant object (upstream: RULE_const_object): long strings, bytes, big ints, floats, folded tuples. */
export interface PnConst {
  readonly kind: 'const';
  readonly obj: ConstObj;
  readonly line: number;
}
export interface PnStruct {
  readonly kind: 'rule';
  readonly rule: RuleName;
  readonly line: number;
  readonly args: ParseNode[];
}
