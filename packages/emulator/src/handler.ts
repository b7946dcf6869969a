/**
 * The request pipeline shared by every transport: the origin check and CORS
 * preflight, routing, the request log, injected latency and faults, the
 * body's size and depth limits, the key that state changes need, then the
 * route. Errors thrown by routes become `{"error": message}` answers.
 */
import { isSecretKey } from "@schematic-sdk/core";
import { CorsPolicy } from "./cors";
import { nestsDeeperThan } from "./depth";
import type { Faults } from "./faults";
import { HttpError } from "./httpError";
import { type EmulatorReply, type EmulatorRequest, errorReply } from "./reply";
import type { RequestLogEntry } from "./requestLog";
import { matchRoute, type Route, type RouteContext } from "./routes";
import type { EmulatorStore } from "./store";

export type RequestHandler = (request: EmulatorRequest) => Promise<EmulatorReply>;

export interface HandlerParts {
  store: EmulatorStore;
  faults: Faults;
  maxBodyBytes: number;
  maxBodyDepth: number;
  cors: readonly string[];
  sleep: (ms: number) => Promise<void>;
  /** The token the inspector page carries (its actions and stream need it). */
  inspectorToken: string;
}

/** The header the inspector page sends with its actions (it holds a token only that page can read). */
export const INSPECTOR_TOKEN_HEADER = "x-schematic-emulator-token";

let requestCounter = 0;

function run(handle: (context: RouteContext) => EmulatorReply, context: RouteContext): EmulatorReply {
  try {
    return handle(context);
  } catch (error) {
    if (error instanceof HttpError) return errorReply(error.status, error.message, error.headers);
    return errorReply(500, `Emulator error: ${(error as Error)?.message ?? String(error)}`);
  }
}

export function createRequestHandler(parts: HandlerParts): RequestHandler {
  const { store, faults, maxBodyBytes, maxBodyDepth, sleep, inspectorToken } = parts;
  const cors = new CorsPolicy(parts.cors);
  const log = store.requestLog;
  const tooLarge = `Request body is larger than ${maxBodyBytes} bytes`;
  const tooDeep = `Request body nests objects and arrays deeper than ${maxBodyDepth} levels`;

  const deep = (request: EmulatorRequest) =>
    request.body !== undefined && nestsDeeperThan(request.body, maxBodyDepth);

  /** The 400 a body's size or depth earns, before anything parses it (a route that `checksDepth` does that itself). */
  const bodyProblem = (request: EmulatorRequest, route?: Route) =>
    request.bodyTooLarge
      ? errorReply(400, tooLarge)
      : !route?.checksDepth && deep(request)
        ? errorReply(400, tooDeep)
        : undefined;

  const context = (request: EmulatorRequest, flag?: string): RouteContext => {
    const checkDepth = () => {
      if (deep(request)) throw new HttpError(400, tooDeep);
    };
    const parts = { store, request, inspectorToken, maxBodyDepth, checkDepth };
    return flag === undefined ? parts : { ...parts, flag };
  };

  async function api(
    request: EmulatorRequest,
    route: Route,
    flag: string | undefined,
    entry: RequestLogEntry,
  ): Promise<EmulatorReply> {
    if (faults.latency > 0) await sleep(faults.latency);
    const decision = faults.decide();
    if (decision.kind === "fail") {
      log.settle(entry, 503, "fail");
      return { ...errorReply(503, "Injected fault (fail-rate)"), fault: "fail" };
    }
    if (decision.kind === "rate-limit") {
      entry.retryAfter = decision.retryAfter;
      log.settle(entry, 429, "rate-limit");
      const reply = errorReply(429, "Rate limit exceeded (rate-limit)", {
        "retry-after": String(decision.retryAfter),
      });
      return { ...reply, fault: "rate-limit" };
    }
    const reply = bodyProblem(request, route) ?? run(route.handle, context(request, flag));
    log.settle(entry, reply.status);
    return reply;
  }

  function mayChangeState(request: EmulatorRequest): boolean {
    return (
      isSecretKey(request.header("x-schematic-api-key")) ||
      request.header(INSPECTOR_TOKEN_HEADER) === inspectorToken
    );
  }

  async function dispatch(request: EmulatorRequest): Promise<EmulatorReply> {
    const method = request.method.toUpperCase();
    const origin = request.header("origin");
    if (!cors.allows(origin)) {
      return errorReply(
        403,
        `Origin ${origin} may not call the emulator; start it with --cors ${origin} (or createEmulator({ cors: ["${origin}"] })) to allow it`,
      );
    }
    if (method === "OPTIONS") return { status: 204, headers: cors.preflight(request.header), body: "" };
    let match: ReturnType<typeof matchRoute>;
    try {
      match = matchRoute(method, request.path);
    } catch (error) {
      return errorReply((error as HttpError).status ?? 400, (error as Error).message);
    }
    if (match && "route" in match && match.route.kind !== "api") {
      if (match.route.kind === "write" && !mayChangeState(request)) {
        return errorReply(
          401,
          `${method} ${request.path} changes the emulator's state: send a secret key (sch_…) in the X-Schematic-Api-Key header`,
        );
      }
      return bodyProblem(request) ?? run(match.route.handle, context(request));
    }
    const clientVersion = request.header("x-schematic-client-version");
    const entry = log.arrive({
      method,
      path: request.path,
      ...(clientVersion !== null && { clientVersion }),
    });
    if (match && "route" in match) return api(request, match.route, match.flag, entry);
    const reply = match
      ? errorReply(405, `${method} is not allowed on ${request.path}`, { allow: match.allow.join(", ") })
      : errorReply(404, `No route for ${method} ${request.path}`);
    log.settle(entry, reply.status);
    return reply;
  }

  return async (request) => {
    const reply = await dispatch(request);
    // The inspector's page holds its token: only the page itself (same origin, no CORS) may read it, not another local app.
    const own = request.path === "/" || request.path.startsWith("/inspector/");
    Object.assign(reply.headers, own ? { vary: "Origin" } : cors.headers(request.header), {
      "x-request-id": `req_${++requestCounter}`,
    });
    return reply;
  };
}
