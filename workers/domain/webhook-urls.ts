// Which URLs a webhook endpoint may have. Outside local mode: https only, and no host that
// names this machine or a private network by itself (localhost, IP literals in loopback,
// private, link-local, CGNAT or unique-local ranges, single-label and .local/.internal names).
// Workers cannot resolve DNS, so a public name that resolves to a private address is out of
// reach here; Cloudflare's egress does not route to private networks in any case.

const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 (CGNAT)
  [0x7f000000, 8], // 127/8
  [0xa9fe0000, 16], // 169.254/16 (link-local, cloud metadata)
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xc0000000, 24], // 192.0.0/24
  [0xc6120000, 15], // 198.18/15
  [0xe0000000, 4], // multicast and reserved above
];

function ipv4(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return (
    (((parts[0] ?? 0) << 24) |
      ((parts[1] ?? 0) << 16) |
      ((parts[2] ?? 0) << 8) |
      (parts[3] ?? 0)) >>>
    0
  );
}

function privateV4(n: number) {
  return PRIVATE_V4.some(([base, bits]) => n >>> (32 - bits) === base >>> (32 - bits));
}

function privateV6(host: string) {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "::1" || h === "::") return true;
  if (/^f[cd]/.test(h) || /^fe[89ab]/.test(h)) return true; // fc00::/7, fe80::/10
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped?.[1]) {
    const n = ipv4(mapped[1]);
    return n === null || privateV4(n);
  }
  // ::ffff:7f00:1 and other hex-mapped IPv4 forms
  return /^::ffff:/.test(h);
}

/** Why a URL cannot be a webhook endpoint, or null when it can. */
export function webhookUrlProblem(raw: string, localMode: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL";
  }
  if (url.username || url.password) return "must not carry credentials";
  if (url.protocol !== "https:" && !(localMode && url.protocol === "http:")) {
    return localMode ? "must be an http or https URL" : "must be an https URL";
  }
  if (localMode) return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return privateV6(host) ? "must not point at a private address" : null;
  const v4 = ipv4(host);
  if (v4 !== null) return privateV4(v4) ? "must not point at a private address" : null;
  if (/^\d+$/.test(host) || /^0x/i.test(host)) return "must not point at a private address";
  if (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".local") ||
    host.endsWith(".internal") ||
    !host.includes(".")
  ) {
    return "must not point at a private or local host";
  }
  return null;
}
