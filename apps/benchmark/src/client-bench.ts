export async function runClientBench(_kind: string, _args: string[]): Promise<void> { throw new Error('client benchmark not built yet'); }
