/**
 * Topic/broker permission bits (Java `PermName`, protocol.md §6.5). Normal topics are 6 (READ | WRITE); the
 * auto-create template `TBW102` is 7 (+ INHERIT).
 */
export const PermName = {
  PERM_PRIORITY: 0x8,
  PERM_READ: 0x4,
  PERM_WRITE: 0x2,
  PERM_INHERIT: 0x1,
} as const;
export type PermName = (typeof PermName)[keyof typeof PermName];

export const isReadable = (perm: number): boolean => (perm & PermName.PERM_READ) === PermName.PERM_READ;
export const isWriteable = (perm: number): boolean => (perm & PermName.PERM_WRITE) === PermName.PERM_WRITE;
export const isInherited = (perm: number): boolean => (perm & PermName.PERM_INHERIT) === PermName.PERM_INHERIT;
export const isPriority = (perm: number): boolean => (perm & PermName.PERM_PRIORITY) === PermName.PERM_PRIORITY;

/** Valid topic perms are 0..7 (Java `PermName.isValid`). */
export const isValidPerm = (perm: number): boolean =>
  Number.isInteger(perm) && perm >= 0 && perm < PermName.PERM_PRIORITY;

/** Java `PermName.perm2String`: `R`, `W`, `X` (inherit) or `-` per position, e.g. 6 → `"RW-"`. */
export function perm2String(perm: number): string {
  return (isReadable(perm) ? 'R' : '-') + (isWriteable(perm) ? 'W' : '-') + (isInherited(perm) ? 'X' : '-');
}
