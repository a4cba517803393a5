/**
 * Expectations the component tests share under Pulumi mocks: how a component refuses its args, and that
 * every object it registers is one Kubernetes would accept.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import { schemaProblems } from "./k8s-schema";
import { MockRecorder, RecordedResource } from "../../components/testing";

/** What a refusal names: the field path of each problem, and the whole message. */
export interface Refusal {
  paths: string[];
  message: string;
}

/**
 * Runs `construct`, which must refuse its args with one InputPropertiesError thrown before anything is
 * registered, not even the component itself; returns the error's field paths and message to check.
 */
export async function expectRefusal(mocks: MockRecorder, construct: () => unknown): Promise<Refusal> {
  mocks.reset();
  let caught: unknown;
  try {
    construct();
  } catch (error) {
    caught = error;
  }
  await mocks.settle();
  expect(mocks.resources).toEqual([]);
  expect(pulumi.InputPropertiesError.isInstance(caught)).toBe(true);
  const error = caught as pulumi.InputPropertiesError;
  return { paths: error.errors.map((entry) => entry.propertyPath), message: error.message };
}

export interface ValidityCheck {
  /** The inputs to check, for a test that must first stand in for values not known yet. Default the recorded inputs. */
  inputsOf?: (object: RecordedResource) => Record<string, unknown>;
}

/** Expects each object, built-in or custom resource, to fit its schema with no unknown field; a failure names the object and its problems. */
export function expectEachValid(objects: RecordedResource[], check: ValidityCheck = {}): void {
  for (const object of objects) {
    const inputs = check.inputsOf?.(object) ?? object.inputs;
    const problems = schemaProblems(inputs);
    expect({ name: object.name, problems }).toEqual({ name: object.name, problems: [] });
  }
}
