/**
 * Detection configurations (smart-redact-api.md §5): named configurations, one of them the default that
 * new jobs start from; a job's own `detectionConfiguration` is merged over it field by field.
 * There are no transactions on our database, so "set default" clears the others after setting the new
 * one and readers take the most recently changed default should two ever be marked.
 */
import { randomUUID } from "node:crypto";
import type { ActionParams } from "moleculer";
import { validateDetectionConfig, type DetectionConfigInput } from "../../plugins/redaction/contract";
import { fail, validationError } from "../../kernel/errors";
import { toConfigurationView, type DetectionConfigurationDoc, type DetectionConfigurationModel, type DetectionConfigurationView } from "./model";

export const configCreateSchema: ActionParams = {
  name: { type: "string", min: 1, max: 200 },
  description: { type: "string", optional: true, max: 2000 },
  isDefault: { type: "boolean", optional: true },
  configuration: { type: "object", optional: true },
};
export const configUpdateSchema: ActionParams = {
  id: "string",
  name: { type: "string", min: 1, max: 200, optional: true },
  description: { type: "string", optional: true, max: 2000 },
  configuration: { type: "object", optional: true },
};

export interface ConfigBody {
  name?: string;
  description?: string;
  isDefault?: boolean;
  configuration?: Record<string, unknown>;
}

/** Validates a configuration object; returns its warnings (unknown properties are ignored, as the vendor does). */
export function checkConfiguration(configuration: unknown, field = "configuration"): string[] {
  if (typeof configuration !== "object" || configuration === null || Array.isArray(configuration)) {
    throw validationError([{ field, message: `${field} must be a JSON object`, kind: "object" }]);
  }
  const r = validateDetectionConfig(configuration as DetectionConfigInput);
  if (r.errors.length) throw validationError(r.errors.map((message) => ({ field, message, kind: "configuration" })));
  return r.warnings;
}

/** `override` merged over `base`: fields the override sets replace the base's. */
export function mergeConfigurations(base: Record<string, unknown> | undefined, override: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(override ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

export async function findDefault(Model: DetectionConfigurationModel): Promise<DetectionConfigurationDoc | null> {
  return Model.findOne({ isDefault: true }).sort({ updatedAt: -1 }).lean<DetectionConfigurationDoc>();
}

export async function getConfiguration(Model: DetectionConfigurationModel, id: string): Promise<DetectionConfigurationDoc> {
  const doc = await Model.findById(id).lean<DetectionConfigurationDoc>();
  if (!doc) fail("NOT_FOUND", `Detection configuration ${id} not found`);
  return doc;
}

export async function setDefault(Model: DetectionConfigurationModel, id: string): Promise<DetectionConfigurationView> {
  const doc = await Model.findByIdAndUpdate(id, { $set: { isDefault: true } }, { returnDocument: "after" }).lean<DetectionConfigurationDoc>();
  if (!doc) fail("NOT_FOUND", `Detection configuration ${id} not found`);
  await Model.updateMany({ _id: { $ne: id }, isDefault: true }, { $set: { isDefault: false } });
  return toConfigurationView(doc);
}

export async function createConfiguration(Model: DetectionConfigurationModel, body: ConfigBody, userId: string): Promise<DetectionConfigurationView & { warnings: string[] }> {
  const warnings = checkConfiguration(body.configuration ?? {});
  const doc = await Model.create({
    _id: randomUUID(),
    name: body.name,
    description: body.description ?? "",
    isDefault: false,
    configuration: body.configuration ?? {},
    createdBy: userId,
  });
  const view = body.isDefault ? await setDefault(Model, doc._id) : toConfigurationView(doc.toObject() as DetectionConfigurationDoc);
  return { ...view, warnings };
}

export async function updateConfiguration(Model: DetectionConfigurationModel, id: string, body: ConfigBody): Promise<DetectionConfigurationView & { warnings: string[] }> {
  const set: Record<string, unknown> = {};
  let warnings: string[] = [];
  if (body.name !== undefined) set.name = body.name;
  if (body.description !== undefined) set.description = body.description;
  if (body.configuration !== undefined) {
    warnings = checkConfiguration(body.configuration);
    set.configuration = body.configuration;
  }
  const doc = await Model.findByIdAndUpdate(id, { $set: set }, { returnDocument: "after" }).lean<DetectionConfigurationDoc>();
  if (!doc) fail("NOT_FOUND", `Detection configuration ${id} not found`);
  return { ...toConfigurationView(doc), warnings };
}

export async function listConfigurations(Model: DetectionConfigurationModel): Promise<DetectionConfigurationView[]> {
  return (await Model.find({}).sort({ createdAt: 1 }).lean<DetectionConfigurationDoc[]>()).map(toConfigurationView);
}

/** The default configuration; NOT_FOUND when none is set (jobs then use the built-in defaults). */
export async function getDefault(Model: DetectionConfigurationModel): Promise<DetectionConfigurationView> {
  const d = await findDefault(Model);
  if (!d) fail("NOT_FOUND", "No default detection configuration is set: jobs use the built-in defaults");
  return toConfigurationView(d);
}

export async function deleteConfiguration(Model: DetectionConfigurationModel, id: string): Promise<void> {
  const r = await Model.deleteOne({ _id: id });
  if (r.deletedCount !== 1) fail("NOT_FOUND", `Detection configuration ${id} not found`);
}
