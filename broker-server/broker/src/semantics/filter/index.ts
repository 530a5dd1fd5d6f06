export * from './java-value';
export * from './sql92-expression';
export * from './sql92-filter';
