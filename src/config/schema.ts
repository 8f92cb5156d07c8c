// mpconfig.schema.json, generated from the catalogue so editors complete and
// check option names. The validator (validate.ts) is what the tools obey;
// tests check the shipped schema is this function's output and that both
// agree on the fixtures.
import { NATIVE_ARCHS } from '../options.ts';
import { BOARDS, BOARD_NAMES } from './boards.ts';
import { CATALOGUE, ROM_LEVELS, type OptionSpec } from './catalogue.ts';

type Schema = Record<string, unknown>;

function optionSchema(spec: OptionSpec): Schema {
  const about = [spec.doc, `default: ${spec.defaultText === '' ? '(empty)' : spec.defaultText}`].filter(Boolean).join('; ');
  switch (spec.type) {
    case 'bool':
      return { description: about, enum: [true, false, 1, 0] };
    case 'int': {
      const s: Schema = { description: about, type: 'integer', minimum: spec.min ?? 0 };
      if (spec.max !== undefined) s.maximum = spec.max;
      return s;
    }
    case 'choice':
      return {
        description: about,
        enum: [...spec.choices, ...spec.choices.map((c) => c.slice(spec.name.length + 1))],
      };
    case 'ctext':
      return { description: `${about} (C text, copied into headers as is)`, type: 'string', pattern: '^[^\\n\\r]*$' };
  }
}

export function buildSchema(): Schema {
  const features: Record<string, Schema> = {};
  for (const spec of CATALOGUE) if (!spec.derived) features[spec.name] = optionSchema(spec);
  const nonEmpty = { type: 'string', minLength: 1 };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'mpconfig.schema.json',
    title: 'mpconfig.json: MicroPython v1.28 runtime features, compiler and link settings (mpi)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: nonEmpty,
      board: {
        description: BOARD_NAMES.map((b) => `${b}: ${BOARDS[b].soc} ${BOARDS[b].core}`).join('; ') + '. Absent: the reference mpy-cross build (compile-only).',
        enum: BOARD_NAMES,
      },
      romLevel: {
        description: 'MICROPY_CONFIG_ROM_LEVEL (default: FULL_FEATURES with a board, CORE_FEATURES without)',
        enum: Object.keys(ROM_LEVELS),
      },
      features: {
        description: 'MICROPY_* options that differ from the defaults',
        type: 'object',
        additionalProperties: false,
        properties: features,
      },
      compiler: {
        type: 'object',
        additionalProperties: false,
        properties: {
          smallIntBits: { description: 'mpy-cross -msmall-int-bits (default: the runtime\'s, 31 for mpy-cross)', type: 'integer', minimum: 2, maximum: 64 },
          optimize: { description: 'mpy-cross -O level', type: 'integer', minimum: 0, maximum: 3 },
          emit: { description: 'default code emitter', enum: ['bytecode', 'native', 'viper'] },
          arch: { description: 'native architecture (default with a board: armv6 when the runtime loads native code)', enum: [...NATIVE_ARCHS] },
        },
      },
      qstr: {
        type: 'object',
        additionalProperties: false,
        properties: {
          bytesInHash: { description: 'MICROPY_QSTR_BYTES_IN_HASH', type: 'integer', minimum: 0, maximum: 2 },
          bytesInLen: { description: 'MICROPY_QSTR_BYTES_IN_LEN', type: 'integer', minimum: 1, maximum: 2 },
        },
      },
      link: {
        description: 'firmware link settings; paths are relative to this file',
        type: 'object',
        additionalProperties: false,
        properties: {
          runtime: { ...nonEmpty, description: 'runtime ELF (relocatable or executable)' },
          layout: { ...nonEmpty, description: 'layout spec module (default: the board\'s shipped layout)' },
          freeze: { type: 'array', items: nonEmpty, description: 'folders frozen into the ROMFS' },
          output: { ...nonEmpty, description: 'image file (default firmware.img)' },
          elf: { type: 'boolean', description: 'also write firmware.elf' },
          map: { type: 'boolean', description: 'also write firmware.map' },
        },
      },
    },
  };
}

export function schemaText(): string {
  return JSON.stringify(buildSchema(), null, 2) + '\n';
}
