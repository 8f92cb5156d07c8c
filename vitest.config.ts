import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts', 'qstr/**/*.test.ts', 'link/**/*.test.ts', 'grammar/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
