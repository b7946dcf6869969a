/**
 * Run-time changes to a company's plan, overrides and traits, named by one
 * of its keys in the path (`/admin/companies/id:acme/plan`). Writes need a
 * secret key (or the inspector page's token); reads need none, like the
 * other inspection routes.
 */
import type { Keys, TraitValue } from "@schematic-sdk/core";
import { badRequest } from "./httpError";
import { type EmulatorReply, envelope, errorReply } from "./reply";
import type { RouteContext } from "./routes";
import { parseJsonObject, parseTraits } from "./validate";

const ADMIN_PATH = /^\/admin\/companies\/([^/]+)(?:\/(plan|overrides|traits)(?:\/([^/]+))?)?$/;

function decode(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`The ${what} in the path is not valid URL encoding`);
  }
}

/** `id:acme` → `{ id: "acme" }` (split at the first colon). */
function companyKeys(segment: string): Keys {
  const text = decode(segment, "company");
  const colon = text.indexOf(":");
  if (colon < 1 || colon === text.length - 1) {
    throw badRequest(
      `The company in the path must be "keyName:value", like /admin/companies/id:acme; got "${text}"`,
    );
  }
  return { [text.slice(0, colon)]: text.slice(colon + 1) };
}

function field(context: RouteContext, name: string): unknown {
  const body = parseJsonObject(context.request.body);
  if (!Object.hasOwn(body, name)) throw badRequest(`${name}: is required; send {"${name}": …}`);
  return body[name];
}

/** What the admin routes answer: the company, its plan and every answer for it. */
function companyState({ store }: RouteContext, keys: Keys): EmulatorReply {
  const company = store.findCompany(keys);
  if (!company) {
    const [[name, value]] = Object.entries(keys) as [[string, string]];
    return errorReply(404, `No company holds the key ${name}:${value}; upsert or identify it first`);
  }
  const { flags, plan } = store.answersFor({ company: keys });
  return envelope({ company, plan: plan ?? null, flags });
}

export type AdminMatch =
  | { write: boolean; handle(context: RouteContext): EmulatorReply }
  | { allow: string[] }
  | undefined;

/** The admin route for a method and path, or the methods the path takes. */
export function matchAdmin(method: string, path: string): AdminMatch {
  const match = ADMIN_PATH.exec(path);
  if (!match) return undefined;
  const [, company, part, name] = match;
  const keys = () => companyKeys(company!);
  if (part === undefined) {
    return method === "GET" ? { write: false, handle: (c) => companyState(c, keys()) } : { allow: ["GET"] };
  }
  if (part === "plan" && name === undefined) {
    if (method === "PUT") {
      return {
        write: true,
        handle: (c) => {
          const plan = field(c, "plan");
          c.store.setCompanyPlan(keys(), plan === null ? null : (plan as string));
          return companyState(c, keys());
        },
      };
    }
    if (method === "DELETE") {
      return {
        write: true,
        handle: (c) => {
          c.store.setCompanyPlan(keys(), null);
          return companyState(c, keys());
        },
      };
    }
    return { allow: ["PUT", "DELETE"] };
  }
  if (name === undefined) return undefined;
  const item = decode(name, part === "overrides" ? "feature" : "trait");
  if (method !== "PUT" && method !== "DELETE") return { allow: ["PUT", "DELETE"] };
  if (part === "overrides") {
    return {
      write: true,
      handle: (c) => {
        const value = method === "DELETE" ? null : field(c, "value");
        c.store.setCompanyOverride(keys(), item, value as never);
        return companyState(c, keys());
      },
    };
  }
  return {
    write: true,
    handle: (c) => {
      let value: TraitValue = null;
      if (method === "PUT") value = parseTraits({ [item]: field(c, "value") }, "traits")[item] ?? null;
      else parseTraits({ [item]: null }, "traits");
      c.store.setCompanyTrait(keys(), item, value);
      return companyState(c, keys());
    },
  };
}
