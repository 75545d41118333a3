// Every call to the gateway's API: JSON in and out, the bearer token, errors as ApiError.

import { askForToken, token } from "./auth.js";

export const API = "/api/v1";

/** An error answer of the API: its status and its body's code, field and problems. */
export class ApiError extends Error {
  constructor(status, error = {}) {
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.field = error.field;
    this.problems = error.problems || [];
  }
}

/** Headers every API request carries (htmx requests too, see app.js). */
export function authHeaders() {
  const stored = token();
  return stored ? { Authorization: `Bearer ${stored}` } : {};
}

/**
 * Call the API. On 401 the login form is shown and the call made again once signed in.
 * @param {string} path - below /api/v1, with its query string
 * @param {{method?: string, body?: unknown, signal?: AbortSignal}} options
 */
export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = { Accept: "application/json", ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(API + path, {
    method,
    headers,
    signal,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    await askForToken(token() ? "That token was refused." : "");
    return api(path, { method, body, signal });
  }
  const answer = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, answer?.error);
  return answer;
}

/** A query string from an object, leaving out empty values ("" when nothing is left). */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, one);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
