/**
 * The accounts a leaf site in operator mode trusts. The hub preloads every account of the stack; a site only
 * those its clients need: the system account, its local account, and the accounts that one imports from
 * (nats-server resolves an import's exporter from the preload). A user of any other account, whatever its
 * creds, is then refused at the site, so creds of the hub's other accounts open nothing there.
 */
import { Account, SYSTEM_ACCOUNT_NAME } from "./accounts";
import { ConfBlock } from "./conf";
import { SiteAccess } from "./leaf-access";

/** Names of the accounts a site trusts; only the system account for an open site, which runs without auth. */
export function siteTrustedAccounts(site: Pick<SiteAccess, "localAccount">, accounts: readonly Pick<Account, "name" | "imports">[]): string[] {
  const local = accounts.find((account) => account.name === site.localAccount);
  const exporters = (local?.imports ?? []).map((imported) => imported.account);
  return [...new Set([SYSTEM_ACCOUNT_NAME, ...(local === undefined ? [] : [local.name]), ...exporters])];
}

/**
 * The operator-mode section (see operatorConfSection) with its resolver preload cut down to `keep`, account
 * public keys; the system account must stay, since nats-server needs its JWT.
 */
export function narrowedOperatorSection(section: ConfBlock, keep: readonly string[]): ConfBlock {
  const preload = (section.resolver_preload ?? {}) as Record<string, string>;
  const systemAccount = section.system_account as string;
  if (!keep.includes(systemAccount)) throw new Error(`the system account ${systemAccount} must stay in the resolver preload; nats-server needs its JWT`);
  return { ...section, resolver_preload: Object.fromEntries(Object.entries(preload).filter(([key]) => keep.includes(key))) };
}
