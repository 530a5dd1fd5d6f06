/** Jest runs every spec in the repo: unit specs beside the code, e2e specs under test/ and samples/. */
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/broker-server', '<rootDir>/apps', '<rootDir>/samples', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleNameMapper: {
    '^@rocketnest/common$': '<rootDir>/libs/common/src/index.ts',
    '^@rocketnest/remoting$': '<rootDir>/libs/remoting/src/index.ts',
    '^@rocketnest/client$': '<rootDir>/libs/client/src/index.ts',
    '^@rocketnest/nestjs$': '<rootDir>/libs/nestjs/src/index.ts',
    '^@rocketnest/store$': '<rootDir>/broker-server/store/src/index.ts',
    '^@rocketnest/namesrv$': '<rootDir>/broker-server/namesrv/src/index.ts',
    '^@rocketnest/broker$': '<rootDir>/broker-server/broker/src/index.ts',
    '^@rocketnest/testing$': '<rootDir>/apps/testing/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist'],
  testTimeout: 30000,
};
