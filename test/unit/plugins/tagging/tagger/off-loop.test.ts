/**
 * The local engine scores in a compute thread when the plugin asks it to (issue 14: CPU work must not
 * hold the event loop the gateway shares in the embedded shape). The thread must give the same tags as
 * the inline engine, and the main thread must stay free while it works.
 */
import { closeComputePool, runOffLoop } from "../../../../../sdk/compute/pool";
import { generateTags } from "../../../../../plugins/tagging/tagger";
import { generateTagsLocal, type LocalTagOptions, type LocalTagResult } from "../../../../../plugins/tagging/tagger/local";

const LOCAL = require.resolve("../../../../../plugins/tagging/tagger/local");

const TEXT = [
  "Groundwater recharge in semi-arid basins is estimated from chloride mass balance and stable isotopes.",
  "We compare recharge estimates from chloride mass balance with water-table fluctuation methods in three basins.",
  "Stable isotopes of oxygen and hydrogen show that recharge occurs mainly during intense winter storms.",
  "The groundwater recharge estimates inform sustainable pumping limits for irrigation districts.",
].join(" ");

afterAll(async () => {
  await closeComputePool();
});

test("a compute thread gives the same tags as the inline engine", async () => {
  const options: LocalTagOptions = { numTags: 6, exclusionWords: [], language: "en" };
  const inline = generateTagsLocal(TEXT, options);
  const threaded = await runOffLoop<LocalTagResult>(LOCAL, "generateTagsLocal", [TEXT, options]);
  expect(threaded.tags).toEqual(inline.tags);
  expect(threaded.tags.length).toBeGreaterThan(0);
});

test("generateTags uses the runner it is given and keeps the main thread free meanwhile", async () => {
  const calls: string[] = [];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const result = await generateTags(
    { text: TEXT.repeat(40), numTags: 5, language: "en" },
    {
      runLocal: async (text, options) => {
        calls.push(text.slice(0, 20));
        return runOffLoop<LocalTagResult>(LOCAL, "generateTagsLocal", [text, options]);
      },
    },
  );
  clearInterval(timer);
  expect(calls).toHaveLength(1);
  expect(result.engine).toBe("local");
  expect(result.tags).toEqual(generateTagsLocal(TEXT.repeat(40), { numTags: 5, exclusionWords: [], language: "en" }).tags);
  // The event loop ran timers while the thread scored (inline scoring would give none).
  expect(ticks).toBeGreaterThan(0);
});
