"use client";
/** The wrong-password answer of a signed-in route, turned into a message for its field. */
import { ApiError } from "@/api/problem";

/** The API answers a wrong password on a signed-in route with 401 ("email or password is
 * incorrect"), which would read as "your session has ended": it becomes a message for the
 * password field instead. Any other error passes through unchanged. */
export function asPasswordError(error: unknown, field: string, message = "That is not your current password."): unknown {
  if (error instanceof ApiError && error.status === 401 && /password/i.test(error.detail)) {
    return new ApiError(422, { title: "Invalid input", errors: [{ field, message }] });
  }
  return error;
}

/** Runs an API call and turns what it threw into messages fit for the form. */
export async function forForm<T>(call: Promise<T>, passwordField?: string): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw passwordField ? asPasswordError(e, passwordField) : e;
  }
}
