import type { Plan } from "@schematic-sdk/browser";
import { useSchematicClient, useSnapshot } from "./context";

/**
 * The company's plan, once a bulk flag answer (or the bootstrap) has told
 * it; re-renders only when the plan changes.
 *
 * @example
 * const plan = useSchematicPlan();
 * return plan ? <span className="badge">{plan.name}</span> : null;
 */
export function useSchematicPlan(): Readonly<Plan> | undefined {
  return useSnapshot(useSchematicClient("useSchematicPlan"), (s) => s.plan);
}
