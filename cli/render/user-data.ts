/**
 * The user data of every EC2 launch template, decoded: EC2 takes it base64-encoded, so plan.json shows it as
 * an opaque string; the render also writes it out as the MIME document nodeadm reads.
 */
import { ResourceRecord } from "./synthesize";

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/** `aws/<launch template>.user-data` and its decoded text, for each launch template with user data known now. */
export function decodedUserData(records: readonly ResourceRecord[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const record of records) {
    const encoded = record.inputs.userData;
    if (record.type !== LAUNCH_TEMPLATE || typeof encoded !== "string") continue;
    files.set(`aws/${record.name}.user-data`, Buffer.from(encoded, "base64").toString("utf8"));
  }
  return files;
}
