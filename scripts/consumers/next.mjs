export async function nextChecks() {}
