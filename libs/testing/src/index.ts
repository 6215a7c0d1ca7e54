export * from './shared-data';
export { createTestPki, type TestPki } from './test-pki';
