import { blockedAddress, checkUrl, UrlFetchError } from "../../../../kernel/net/fetch-url";

describe("blockedAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["192.168.0.10", "private"],
    ["172.16.5.4", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["::1", "loopback"],
    ["fe80::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["::ffff:127.0.0.1", "loopback"],
  ])("refuses %s (%s)", (ip, range) => {
    expect(blockedAddress(ip, false)).toContain(range);
  });

  it("allows public unicast addresses", () => {
    expect(blockedAddress("93.184.216.34", false)).toBeNull();
    expect(blockedAddress("2606:2800:220:1::1", false)).toBeNull();
  });

  it("allows private addresses only when the setting says so, and never unspecified or multicast", () => {
    expect(blockedAddress("127.0.0.1", true)).toBeNull();
    expect(blockedAddress("0.0.0.0", true)).toContain("unspecified");
    expect(blockedAddress("224.0.0.1", true)).toContain("multicast");
  });
});

describe("checkUrl", () => {
  const resolveTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("refuses schemes other than http and https", async () => {
    await expect(checkUrl("ftp://example.org/a.pdf", { allowPrivate: false })).rejects.toMatchObject({ reason: "scheme" });
    await expect(checkUrl("file:///etc/passwd", { allowPrivate: false })).rejects.toBeInstanceOf(UrlFetchError);
  });

  it("refuses a name when any of its addresses is private (DNS answers are checked, not the name)", async () => {
    await expect(checkUrl("http://docs.example.org/a.pdf", { allowPrivate: false, resolve: resolveTo("93.184.216.34", "10.0.0.5") })).rejects.toMatchObject({ reason: "blocked-address" });
  });

  it("connects to the address it checked", async () => {
    const r = await checkUrl("https://docs.example.org/a.pdf", { allowPrivate: false, resolve: resolveTo("93.184.216.34") });
    expect(r.address).toBe("93.184.216.34");
  });

  it("refuses credentials in the URL and bracketed IPv6 loopback", async () => {
    await expect(checkUrl("http://user:pw@example.org/", { allowPrivate: false, resolve: resolveTo("93.184.216.34") })).rejects.toMatchObject({ reason: "invalid-url" });
    await expect(checkUrl("http://[::1]:8080/", { allowPrivate: false })).rejects.toMatchObject({ reason: "blocked-address" });
  });
});
