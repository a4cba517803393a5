/**
 * Container image references, checked against the grammar of the reference package of the CNCF distribution
 * project (distribution/reference, the grammar Docker, containerd and Kubernetes' image pull share):
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [ domain "/" ] remote-name
 *   domain           := host [ ":" port-number ]
 *   host             := domain-name | IPv4address | "[" IPv6address "]"
 *   domain-name      := domain-component [ "." domain-component ]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   port-number      := /[0-9]+/
 *   remote-name      := path-component [ "/" path-component ]*
 *   path-component   := alpha-numeric [ separator alpha-numeric ]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ":" hex; the algorithm is components of a letter followed by letters
 *                       and digits, joined by one of "+._-"; the hex is 32 or more hexadecimal digits
 *
 * The expression below is built from those productions piece by piece; the grammar also caps a name at 255
 * characters. A reference the grammar refuses is one the kubelet cannot pull, so it is refused before render.
 */

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6_HOST = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6_HOST})(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*";
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN}/)?${REMOTE_NAME}`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

/** The whole reference grammar, anchored; also the JSON Schema `pattern` of image fields. */
export const IMAGE_REFERENCE_PATTERN = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);

/** The grammar's limit on the name part (everything before the tag and digest). */
export const MAX_IMAGE_NAME_LENGTH = 255;

export const IMAGE_REFERENCE_RULE = 'name a container image as registry[:port]/path[:tag][@digest], such as "nats:2.10.24-alpine" or "ghcr.io/org/app:1.2"';

/** Whether `value` is an image reference the distribution grammar accepts. */
export function isImageReference(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = IMAGE_REFERENCE_PATTERN.exec(value);
  return match !== null && match[1].length <= MAX_IMAGE_NAME_LENGTH;
}
