// What the builder needs from R2's S3 API, as a suite any S3 server can be run through: s3rver
// in storage.test.ts, and the Worker's local-mode stand-in when it exists. Each server is
// reached through a small proxy that can fail requests and watch their order, so retries and
// "manifest last" are checked on the wire rather than on a mocked client.
//
// The factory is called once per suite; tests do not rely on an empty bucket (every test's
// files carry a nonce, so their blobs are new to the server).
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { blobExists, createS3, readManifest, uploadDeploy } from "../../builder/src/storage.ts";
import { blobKey, type DeployId, deployManifestKey } from "../../schemas/deploy.ts";

export type StorageServer = {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  close(): Promise<void>;
};

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function newDeployId(): DeployId {
  const bytes = randomBytes(26);
  return `dep_${Array.from(bytes, (b) => CROCKFORD[b % 32]).join("")}`;
}

type Exchange = { method: string; path: string; status: number };

/** A pass-through HTTP proxy that answers 503 to the first `failNext` requests it sees. */
class FaultyProxy {
  failNext = 0;
  failed = 0;
  /** Completed exchanges, in the order their responses finished. */
  readonly log: Exchange[] = [];
  /** Run before a request is forwarded; the request waits for it. */
  beforeForward: ((method: string, path: string) => Promise<void>) | undefined;
  private server: Server | undefined;

  constructor(private readonly target: URL) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const method = req.method ?? "GET";
      const path = req.url ?? "/";
      if (this.failNext > 0) {
        this.failNext -= 1;
        this.failed += 1;
        req.resume();
        req.on("end", () => {
          res.writeHead(503, { "content-type": "application/xml" });
          res.end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>injected</Message></Error>',
          );
          this.log.push({ method, path, status: 503 });
        });
        return;
      }
      const forward = async () => {
        await this.beforeForward?.(method, path);
        const upstream = request(
          {
            host: this.target.hostname,
            port: this.target.port,
            method,
            path,
            // Verbatim, Host included: it is part of what the client signed.
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            answer.on("end", () =>
              this.log.push({ method, path, status: answer.statusCode ?? 502 }),
            );
          },
        );
        upstream.on("error", () => res.destroy());
        req.pipe(upstream);
      };
      forward().catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    // The target's path prefix (a stand-in mounted under a path) is kept.
    return `http://127.0.0.1:${port}${this.target.pathname.replace(/\/$/, "")}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

export function storageContract(name: string, start: () => Promise<StorageServer>): void {
  describe(`R2 through the S3 API: ${name}`, () => {
    let server: StorageServer;
    let proxy: FaultyProxy;
    /** Through the proxy, as the builder would talk. */
    let s3: S3Client;
    /** Straight to the server, for checking what the builder did. */
    let direct: S3Client;
    let bucket: string;
    let work: string;

    beforeAll(async () => {
      server = await start();
      bucket = server.bucket;
      proxy = new FaultyProxy(new URL(server.endpoint));
      const credentials = {
        accessKeyId: server.accessKeyId,
        secretAccessKey: server.secretAccessKey,
      };
      s3 = createS3({ endpoint: await proxy.start(), ...credentials });
      direct = createS3({ endpoint: server.endpoint, ...credentials });
    });
    afterAll(async () => {
      s3?.destroy();
      direct?.destroy();
      await proxy?.stop();
      await server?.close();
    });
    beforeEach(async () => {
      work = await mkdtemp(join(tmpdir(), "lectern-storage-test-"));
      proxy.failNext = 0;
      proxy.failed = 0;
      proxy.beforeForward = undefined;
      proxy.log.length = 0;
    });
    afterEach(async () => {
      await rm(work, { recursive: true, force: true });
    });

    /** Writes a built site; every file gets this test's nonce unless `exact`. */
    async function site(files: Record<string, string | Uint8Array>, folder = "public") {
      const dir = join(work, folder);
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      return dir;
    }

    async function bodyText(key: string): Promise<string> {
      const object = await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await object.Body?.transformToString("utf-8")) ?? "";
    }

    async function listKeys(prefix: string): Promise<string[]> {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await direct.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    }

    it("puts, heads, gets, lists and deletes objects the way the builder does", async () => {
      const prefix = `contract/${randomUUID()}/`;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}a.html`,
          Body: "<p>a</p>",
          ContentType: "text/html; charset=utf-8",
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}b/c.txt`, Body: "c" }));

      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}a.html` }));
      expect(head.ContentLength).toBe(8);
      expect(head.ContentType).toBe("text/html; charset=utf-8");
      expect(await bodyText(`${prefix}a.html`)).toBe("<p>a</p>");
      expect(await listKeys(prefix)).toEqual([`${prefix}a.html`, `${prefix}b/c.txt`]);

      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${prefix}a.html` }));
      expect(await listKeys(prefix)).toEqual([`${prefix}b/c.txt`]);
      await expect(
        s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}a.html` })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
      const hash = `${"0".repeat(63)}1`;
      expect(await blobExists({ s3, bucket, hash })).toBe(false);
      expect(await readManifest({ s3, bucket, deployId: newDeployId() })).toBeNull();
    });

    it("uploads a site as blobs and a manifest, with the right content types", async () => {
      const nonce = randomUUID();
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from(nonce)]);
      const dir = await site({
        "index.html": `<h1>${nonce}</h1>`,
        "css/site.css": `body{} /* ${nonce} */`,
        "js/app.js": `// ${nonce}`,
        "img/Logo.PNG": png,
        "pagefind/index/en_1.pf_index": `index ${nonce}`,
        "notes/no-extension": `plain ${nonce}`,
      });
      const deployId = newDeployId();
      const progress: string[] = [];

      const result = await uploadDeploy({
        s3,
        bucket,
        deployId,
        dir,
        onProgress: (p) => progress.push(`${p.stage} ${p.done}/${p.total}`),
      });

      expect(result).toMatchObject({ files: 6, blobsUploaded: 6, blobsSkipped: 0 });
      expect(Object.keys(result.manifest.files)).toEqual([
        "css/site.css",
        "img/Logo.PNG",
        "index.html",
        "js/app.js",
        "notes/no-extension",
        "pagefind/index/en_1.pf_index",
      ]);
      const types = Object.fromEntries(
        Object.entries(result.manifest.files).map(([path, f]) => [path, f.contentType]),
      );
      expect(types).toEqual({
        "css/site.css": "text/css; charset=utf-8",
        "img/Logo.PNG": "image/png",
        "index.html": "text/html; charset=utf-8",
        "js/app.js": "text/javascript; charset=utf-8",
        "notes/no-extension": "application/octet-stream",
        "pagefind/index/en_1.pf_index": "application/octet-stream",
      });
      const index = result.manifest.files["index.html"];
      expect(index?.size).toBe(Buffer.byteLength(`<h1>${nonce}</h1>`));
      expect(result.bytesUploaded).toBe(
        Object.values(result.manifest.files).reduce((n, f) => n + f.size, 0),
      );
      // The blob is the file, stored with its type.
      expect(await bodyText(blobKey(index?.hash ?? ""))).toBe(`<h1>${nonce}</h1>`);
      const logo = await direct.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: blobKey(result.manifest.files["img/Logo.PNG"]?.hash ?? ""),
        }),
      );
      expect(logo.ContentType).toBe("image/png");
      expect(logo.ContentLength).toBe(png.length);
      // The stored manifest is the returned one, and reads back validated.
      expect(JSON.parse(await bodyText(deployManifestKey(deployId)))).toEqual(result.manifest);
      expect(await readManifest({ s3, bucket, deployId })).toEqual(result.manifest);
      expect(progress.filter((p) => p.startsWith("hashing")).at(-1)).toBe("hashing 6/6");
      expect(progress.at(-1)).toBe("uploading 6/6");
    });

    it("uploads nothing new the second time, and writes the same manifest", async () => {
      const nonce = randomUUID();
      const dir = await site({ "index.html": `home ${nonce}`, "a/index.html": `a ${nonce}` });
      const deployId = newDeployId();
      const first = await uploadDeploy({ s3, bucket, deployId, dir });
      const firstBytes = await bodyText(deployManifestKey(deployId));

      const second = await uploadDeploy({ s3, bucket, deployId, dir });

      expect(first).toMatchObject({ blobsUploaded: 2, blobsSkipped: 0 });
      expect(second).toMatchObject({ blobsUploaded: 0, blobsSkipped: 2, bytesUploaded: 0 });
      expect(second.manifest).toEqual(first.manifest);
      expect(await bodyText(deployManifestKey(deployId))).toBe(firstBytes);
      // A new deploy of the same output shares every blob.
      const again = await uploadDeploy({ s3, bucket, deployId: newDeployId(), dir });
      expect(again.blobsUploaded).toBe(0);
      expect(again.manifest.files).toEqual(first.manifest.files);
    });

    it("uploads exactly the one blob that changed", async () => {
      const nonce = randomUUID();
      const files = {
        "index.html": `home ${nonce}`,
        "a/index.html": `a ${nonce}`,
        "b/index.html": `b ${nonce}`,
      };
      const dir = await site(files);
      const first = await uploadDeploy({ s3, bucket, deployId: newDeployId(), dir });
      await writeFile(join(dir, "a/index.html"), `a, edited ${nonce}`);

      const second = await uploadDeploy({ s3, bucket, deployId: newDeployId(), dir });

      expect(second).toMatchObject({ files: 3, blobsUploaded: 1, blobsSkipped: 2 });
      expect(second.bytesUploaded).toBe(Buffer.byteLength(`a, edited ${nonce}`));
      expect(second.manifest.files["a/index.html"]?.hash).not.toBe(
        first.manifest.files["a/index.html"]?.hash,
      );
      expect(second.manifest.files["b/index.html"]).toEqual(first.manifest.files["b/index.html"]);
      const puts = proxy.log.filter((e) => e.method === "PUT" && e.path.includes("/blobs/"));
      expect(puts).toHaveLength(3 + 1);
    });

    it("stores identical files once", async () => {
      const nonce = randomUUID();
      const dir = await site({
        "x/logo.svg": `<svg>${nonce}</svg>`,
        "y/logo.svg": `<svg>${nonce}</svg>`,
        "y/copy.txt": `<svg>${nonce}</svg>`,
        "index.html": `home ${nonce}`,
      });

      const result = await uploadDeploy({ s3, bucket, deployId: newDeployId(), dir });

      expect(result).toMatchObject({ files: 4, blobsUploaded: 2, blobsSkipped: 0 });
      const { files } = result.manifest;
      expect(files["x/logo.svg"]?.hash).toBe(files["y/logo.svg"]?.hash);
      expect(files["y/copy.txt"]?.hash).toBe(files["y/logo.svg"]?.hash);
      // Shared bytes, but each path keeps its own type.
      expect(files["y/copy.txt"]?.contentType).toBe("text/plain; charset=utf-8");
      expect(files["y/logo.svg"]?.contentType).toBe("image/svg+xml");
    });

    it("retries requests that fail on the way", async () => {
      const nonce = randomUUID();
      const dir = await site({ "index.html": `home ${nonce}`, "a.css": `a ${nonce}` });
      proxy.failNext = 3;

      const result = await uploadDeploy({
        s3,
        bucket,
        deployId: newDeployId(),
        dir,
        concurrency: 1,
        retries: 3,
        retryBaseDelayMs: 5,
      });

      expect(proxy.failed).toBe(3);
      expect(result).toMatchObject({ blobsUploaded: 2 });
      for (const file of Object.values(result.manifest.files)) {
        expect(await blobExists({ s3: direct, bucket, hash: file.hash })).toBe(true);
      }
    });

    it("gives up after its retries and writes no manifest", async () => {
      const nonce = randomUUID();
      const dir = await site({ "index.html": `home ${nonce}` });
      const deployId = newDeployId();
      proxy.failNext = 1_000;

      await expect(
        uploadDeploy({ s3, bucket, deployId, dir, retries: 2, retryBaseDelayMs: 5 }),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });

      expect(proxy.failed).toBe(3);
      proxy.failNext = 0;
      expect(await readManifest({ s3: direct, bucket, deployId })).toBeNull();
    });

    it("does not retry what cannot succeed (a bucket that does not exist)", async () => {
      const dir = await site({ "index.html": `home ${randomUUID()}` });

      await expect(
        uploadDeploy({
          s3,
          bucket: `missing-${randomUUID().slice(0, 8)}`,
          deployId: newDeployId(),
          dir,
          retryBaseDelayMs: 5,
        }),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
      expect(proxy.log.filter((e) => e.method === "PUT")).toHaveLength(1);
    });

    it("writes the manifest only after every blob exists", async () => {
      const nonce = randomUUID();
      const files: Record<string, string> = {};
      for (let i = 0; i < 40; i++) files[`p/${i}/index.html`] = `page ${i} ${nonce}`;
      const dir = await site(files);
      const deployId = newDeployId();
      let blobsWhenManifestArrived: Set<string> | undefined;
      proxy.beforeForward = async (method, path) => {
        if (method === "PUT" && path.includes(`/${deployManifestKey(deployId)}`)) {
          blobsWhenManifestArrived = new Set(await listKeys("blobs/"));
        }
      };

      const result = await uploadDeploy({ s3, bucket, deployId, dir, concurrency: 8 });

      expect(result.blobsUploaded).toBe(40);
      expect(blobsWhenManifestArrived).toBeDefined();
      for (const file of Object.values(result.manifest.files)) {
        expect(blobsWhenManifestArrived?.has(blobKey(file.hash))).toBe(true);
      }
      expect(proxy.log.at(-1)).toMatchObject({ method: "PUT", status: 200 });
      expect(proxy.log.at(-1)?.path).toContain(deployManifestKey(deployId));
    });

    it("refuses a stored manifest that does not validate", async () => {
      const deployId = newDeployId();
      await direct.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: deployManifestKey(deployId),
          Body: JSON.stringify({ version: 1, deployId, files: { "../x": {} } }),
        }),
      );
      await expect(readManifest({ s3, bucket, deployId })).rejects.toThrow();
    });
  });
}
