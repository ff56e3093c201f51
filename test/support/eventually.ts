/**
 * Polls `check` every 20 ms until it holds, for state the server reaches in the background
 * (an election, a TTL pass); throws once `timeoutMS` passes without it.
 */
export async function eventually(check: () => Promise<boolean>, timeoutMS = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
