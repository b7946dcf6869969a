export async function workerChecks() {}
