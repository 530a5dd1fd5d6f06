export * from './java-json-reader';
export * from './java-json-writer';
