/** Java `LanguageCode`: the byte written in ROCKETMQ headers, the enum name written in JSON headers. */
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  /** Known only to 5.3.2+ peers; older ones read it as null (JSON) — never send it by default. */
  NODE_JS: 13,
} as const;

export type LanguageName = keyof typeof LanguageCode;
export type LanguageCode = (typeof LanguageCode)[LanguageName];

const languageNames = new Map<number, LanguageName>(
  Object.entries(LanguageCode).map(([k, v]) => [v, k as LanguageName]),
);

export function languageNameOf(code: number): LanguageName | undefined {
  return languageNames.get(code);
}

export function isLanguageName(name: string): name is LanguageName {
  return Object.prototype.hasOwnProperty.call(LanguageCode, name);
}
