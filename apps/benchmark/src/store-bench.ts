export async function runStoreBench(_args: string[]): Promise<void> { throw new Error('store benchmark not built yet'); }
