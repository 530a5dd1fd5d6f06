export * from './java-hash';
