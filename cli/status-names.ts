/** Temporal's execution status names (`RUNNING`) in the words operators see in the UI (`Running`). */
export function statusLabel(name: string): string {
  return name.charAt(0) + name.slice(1).toLowerCase().replace(/_/g, ' ');
}
