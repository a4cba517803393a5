/**
 * A reader for nats.conf as the project writes it (components/model/conf.ts): `key: value` entries, values
 * in JSON or bare variable references (`$SERVER_NAME`), blocks in braces, lists in brackets, `#` comments.
 * The diff reads both sides' text back to tell which settings changed; it never needs the values' meaning,
 * so a variable reference is read as its own text.
 */
import type { ConfBlock, ConfValue } from "../../components/model/conf";

/** A token: punctuation, a JSON string, or a bare word (key, number, boolean, `$VARIABLE`). */
interface Token {
  text: string;
  quoted: boolean;
  offset: number;
}

const TOKEN = /\s+|#[^\n]*|\/\/[^\n]*|("(?:[^"\\]|\\.)*")|([{}[\]:=,;])|([^\s{}[\]:=,;"#]+)/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const offset = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`nats.conf: cannot read the text at offset ${offset}: ${JSON.stringify(text.slice(offset, offset + 20))}`);
    if (match[1] !== undefined) tokens.push({ text: JSON.parse(match[1]) as string, quoted: true, offset });
    else if (match[2] !== undefined || match[3] !== undefined) tokens.push({ text: match[2] ?? match[3], quoted: false, offset });
  }
  return tokens;
}

class Reader {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private take(): Token {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new Error("nats.conf: the text ends inside a value");
    return token;
  }

  private is(punctuation: string): boolean {
    const token = this.peek();
    return token !== undefined && !token.quoted && token.text === punctuation;
  }

  private skipSeparators(): void {
    while (this.is(",") || this.is(";")) this.at++;
  }

  /** Entries until `closing` (or the end of the text when it is undefined). */
  entries(closing?: string): ConfBlock {
    const block: ConfBlock = {};
    for (this.skipSeparators(); this.peek() !== undefined && !(closing !== undefined && this.is(closing)); this.skipSeparators()) {
      const key = this.take();
      if (this.is(":") || this.is("=")) this.at++;
      block[key.text] = this.value();
    }
    if (closing !== undefined) {
      if (!this.is(closing)) throw new Error(`nats.conf: a block opened before offset ${this.tokens[this.at - 1]?.offset ?? 0} is not closed`);
      this.at++;
    }
    return block;
  }

  private value(): ConfValue {
    const token = this.take();
    if (token.quoted) return token.text;
    if (token.text === "{") return this.entries("}");
    if (token.text === "[") {
      const items: ConfValue[] = [];
      for (this.skipSeparators(); !this.is("]"); this.skipSeparators()) items.push(this.value());
      this.at++;
      return items;
    }
    if (token.text === "true" || token.text === "false") return token.text === "true";
    const number = Number(token.text);
    return token.text !== "" && Number.isFinite(number) ? number : token.text;
  }
}

/** The settings of a nats.conf text, by key. Throws, naming the offset, when the text is not one it can read. */
export function readConfText(text: string): ConfBlock {
  return new Reader(tokenize(text)).entries();
}
