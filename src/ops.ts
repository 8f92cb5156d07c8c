// Runtime operator numbers. The leading groups appear in bytecode (the
// unary/binary op opcodes add these numbers to a base), so their order is
// part of the .mpy format and must not change.
export enum UnaryOp {
  Positive,
  Negative,
  Invert,
  Not,
  // not in bytecode
  Bool,
  Len,
  Hash,
  Abs,
  IntMaybe,
  FloatMaybe,
  ComplexMaybe,
  Sizeof,
}

export enum BinaryOp {
  // relational (the first six match the comparison tokens' order)
  Less,
  More,
  Equal,
  LessEqual,
  MoreEqual,
  NotEqual,
  In,
  Is,
  ExceptionMatch,

  InplaceOr,
  InplaceXor,
  InplaceAnd,
  InplaceLshift,
  InplaceRshift,
  InplaceAdd,
  InplaceSubtract,
  InplaceMultiply,
  InplaceMatMultiply,
  InplaceFloorDivide,
  InplaceTrueDivide,
  InplaceModulo,
  InplacePower,

  Or,
  Xor,
  And,
  Lshift,
  Rshift,
  Add,
  Subtract,
  Multiply,
  MatMultiply,
  FloorDivide,
  TrueDivide,
  Modulo,
  Power,

  // not in bytecode
  Divmod,
  Contains,
  ReverseOr,
  ReverseXor,
  ReverseAnd,
  ReverseLshift,
  ReverseRshift,
  ReverseAdd,
  ReverseSubtract,
  ReverseMultiply,
  ReverseMatMultiply,
  ReverseFloorDivide,
  ReverseTrueDivide,
  ReverseModulo,
  ReversePower,

  // compiled as other ops
  NotIn,
  IsNot,
}
