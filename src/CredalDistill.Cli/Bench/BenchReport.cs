using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace CredalDistill.Cli.Bench;

/// <summary>The outputs of <c>credal bench</c>: a console table of ratios, the JSON file and the Markdown page (docs/PERFORMANCE.md).</summary>
internal static class BenchReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The table and the headline ratios on the console.</summary>
    public static void Write(IAnsiConsole console, BenchResults r)
    {
        var table = new Table().Title($"credal bench{(r.Quick ? " --quick" : r.Full ? " --full" : string.Empty)}: time per input (median), gamma = {r.Gamma} nats");
        table.AddColumns("method", "divergence", "K", "time / input", "alloc B", "x grid", "x TS", "x edge fwd");
        foreach (var m in r.Measurements)
        {
            var cells = Cells(r, m);
            table.AddRow(Markup.Escape(cells[0]), Markup.Escape(cells[1]), cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]);
        }

        console.Write(table);
        foreach (string line in Headline(r))
        {
            console.WriteLine(line);
        }
    }

    /// <summary>The headline lines (also the Markdown page's summary).</summary>
    public static IEnumerable<string> Headline(BenchResults r)
    {
        var grid = r.Ratios.GridOverExact;
        var overhead = r.Ratios.OverheadOverEdge;
        yield return $"gridSpeedupK3 = {r.GridSpeedupK3:F0} (paper grid / exact bounds, KL, K = 3, alternating repetitions: {Time(grid.MsA)} vs {Time(grid.MsB)})";
        yield return $"overheadVsEdgeForward = {r.OverheadVsEdgeForward:F4} (bounds + IP + KL max-entropy over the edge forward pass, FMNIST-10, alternating repetitions: {Time(overhead.MsA)} vs {Time(overhead.MsB)}; in the table: {Time(r.Find(BenchResults.OverheadMethod).Timing.MedianMs)} and {Time(r.EdgeForwardMs)})";
        yield return $"allocatedBytesPerInput = {r.AllocatedBytesPerInput:F0} (span API, largest over the span-API cases)";
        yield return $"kl131072BoundsMs = {r.Kl131072BoundsMs:F2}";
        yield return $"batch API speedup = {r.Batch.Speedup:F2}x on {r.Batch.Cores} cores ({r.Batch.Rows} rows, K = {r.Batch.Classes}, intersection, KL, alternating runs: {r.Batch.SerialMs:F1} ms on 1 thread, {r.Batch.ParallelMs:F1} ms on all)";
        yield return $"offline: scores + threshold for n = {r.Offline.Rows:N0}, K = {r.Offline.Classes}: {r.Offline.TotalMs:F0} ms (scores {r.Offline.ScoresMs:F0} ms, threshold {r.Offline.ThresholdMs:F0} ms)";
        foreach (var e in r.EndToEnd)
        {
            yield return $"end to end: credal predict (intersection) of {e.Rows:N0} x {e.Classes} {e.Format.ToUpperInvariant()} in {e.Seconds:F2} s ({e.RowsPerSecond:N0} rows/s)";
        }

        yield return $"machine: {r.Machine.Processor}, {r.Machine.ProcessorCount} logical cores, {r.Machine.Os}, {r.Machine.Runtime}; load average {r.Machine.LoadBefore} before, {r.Machine.LoadAfter} after; {r.Seconds:F1} s";
    }

    /// <summary>Writes the JSON report (the headline keys first).</summary>
    public static void WriteJson(Stream stream, BenchResults r)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("gridSpeedupK3", r.GridSpeedupK3);
        json.WriteNumber("overheadVsEdgeForward", r.OverheadVsEdgeForward);
        json.WriteNumber("allocatedBytesPerInput", r.AllocatedBytesPerInput);
        json.WriteNumber("kl131072BoundsMs", r.Kl131072BoundsMs);
        json.WriteNumber("edgeForwardUs", 1000.0 * r.EdgeForwardMs);
        json.WriteNumber("pairedOverheadUs", 1000.0 * r.Ratios.OverheadOverEdge.MsA);
        json.WriteNumber("pairedEdgeForwardUs", 1000.0 * r.Ratios.OverheadOverEdge.MsB);
        json.WriteNumber("pairedGridK3Us", 1000.0 * r.Ratios.GridOverExact.MsA);
        json.WriteNumber("pairedExactK3Us", 1000.0 * r.Ratios.GridOverExact.MsB);
        json.WriteNumber("overheadUs", r.Find(BenchResults.OverheadMethod).MicroSeconds);
        json.WriteNumber("gridK3Us", r.Find(BenchResults.GridMethod).MicroSeconds);
        json.WriteNumber("exactK3Us", r.Find(BenchResults.ExactOnGridRow).MicroSeconds);
        json.WriteNumber("temperatureScalingK10Us", 1000.0 * r.TemperatureMs(10));
        json.WriteNumber("batchSpeedup", r.Batch.Speedup);
        json.WriteNumber("batchRows", r.Batch.Rows);
        json.WriteNumber("batchSerialMs", r.Batch.SerialMs);
        json.WriteNumber("batchParallelMs", r.Batch.ParallelMs);
        json.WriteNumber("offlineRows", r.Offline.Rows);
        json.WriteNumber("offlineScoresMs", r.Offline.ScoresMs);
        json.WriteNumber("offlineThresholdMs", r.Offline.ThresholdMs);
        json.WriteNumber("offlineGamma", r.Offline.Gamma);
        json.WriteStartArray("endToEnd");
        foreach (var e in r.EndToEnd)
        {
            json.WriteStartObject();
            json.WriteString("format", e.Format);
            json.WriteNumber("rows", e.Rows);
            json.WriteNumber("classes", e.Classes);
            json.WriteNumber("seconds", e.Seconds);
            json.WriteNumber("rowsPerSecond", e.RowsPerSecond);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("gamma", r.Gamma);
        json.WriteBoolean("quick", r.Quick);
        json.WriteBoolean("full", r.Full);
        json.WriteNumber("seconds", r.Seconds);
        json.WriteStartObject("machine");
        json.WriteString("os", r.Machine.Os);
        json.WriteString("runtime", r.Machine.Runtime);
        json.WriteString("processor", r.Machine.Processor);
        json.WriteNumber("processorCount", r.Machine.ProcessorCount);
        json.WriteString("loadAverageBefore", r.Machine.LoadBefore);
        json.WriteString("loadAverageAfter", r.Machine.LoadAfter);
        json.WriteEndObject();
        json.WriteStartArray("measurements");
        foreach (var m in r.Measurements)
        {
            json.WriteStartObject();
            json.WriteString("method", m.Method);
            json.WriteString("divergence", m.Divergence);
            json.WriteNumber("classes", m.Classes);
            json.WriteNumber("medianUs", m.MicroSeconds);
            json.WriteNumber("minUs", 1000.0 * m.Timing.MinMs);
            json.WriteNumber("allocatedBytes", m.Timing.AllocatedBytes);
            json.WriteNumber("callsPerRepetition", m.Timing.Calls);
            json.WriteNumber("repetitions", m.Timing.Repetitions);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The line after which the Markdown page holds sections measured by other commands (tools/fleet-bench.sh); a regeneration keeps them.</summary>
    public const string KeptMarker = "<!-- Below: measured by other commands, not by credal bench, which keeps this part when it rewrites the page. -->";

    /// <summary>The part of the existing page at <paramref name="path"/> from <see cref="KeptMarker"/> on (with a blank line before it), or empty.</summary>
    public static string KeptPart(string path)
    {
        string text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        int at = text.IndexOf(KeptMarker, StringComparison.Ordinal);
        return at < 0 ? string.Empty : Environment.NewLine + text[at..];
    }

    /// <summary>The Markdown page: how it was made, the table, the performance targets met or missed.</summary>
    public static string Markdown(BenchResults r, string command)
    {
        var s = new StringBuilder();
        s.AppendLine("# Performance");
        s.AppendLine();
        s.AppendLine(Invariant, $"Generated by `{command}` ({r.Seconds:F0} s). Every number below is that run's measurement: a Stopwatch harness (two warm-up passes, each followed by a pause for tiered compilation, then the median over up to {(r.Quick ? 5 : 9)} repetitions of a batch of calls; allocations from `GC.GetAllocatedBytesForCurrentThread`), all timed in one process; the headline ratios (grid over exact, overhead over the edge forward pass, the batch speedup) alternate their two sides repetition by repetition and take the median of the per-repetition ratios. Rows are seeded synthetic edge outputs (logits `N(0, 2^2)` with `+4` on one class), cycled so that no single input is timed; gamma = {r.Gamma} nats throughout (as in docs/BENCHMARKS.md).");
        s.AppendLine();
        s.AppendLine(Invariant, $"Machine: {r.Machine.Processor}, {r.Machine.ProcessorCount} logical cores, {r.Machine.Os}, {r.Machine.Runtime}. Load average (1, 5, 15 min) {r.Machine.LoadBefore} before the run and {r.Machine.LoadAfter} after it: the cores are shared with other jobs, so absolute times are noisy; the ratios were measured side by side.");
        s.AppendLine();
        s.AppendLine("## Headline");
        s.AppendLine();
        foreach (string line in Headline(r))
        {
            s.AppendLine(Invariant, $"- {line}");
        }

        s.AppendLine();
        s.AppendLine("## What makes it fast");
        s.AppendLine();
        s.AppendLine("- **Per-threshold bound table** (`BoundTable`, docs/NUMERICS.md): the binary root as a function of the class log-odds, tabulated once per (divergence, gamma) in lazily built segments (next to the vertex threshold, where the root diverges logarithmically, on `-log(u* - u)`); each bound is the interpolated root verified by one evaluation of the binary divergence (and at most one first-order Newton step) instead of a Newton solve from a model start, with the full solve as the fallback. Exactness is unchanged (the same acceptance tests; agreement with the full solve to 1e-12 is tested).");
        s.AppendLine("- **KL bounds four classes at a time** (`KlTableBounds`, `System.Runtime.Intrinsics.Vector256`): the table starts are read per class, then the verifying evaluation of the binary divergence (the point of log-odds `v`, two `expm1` terms, the slope) and the solver's acceptance tests run on four lanes, as does the vertex test (`lower_k = 0` for every class with `-log r_k <= gamma`); a lane that fails them takes the scalar path. The masses' logarithms are vectorised too. Where 256-bit vectors are not hardware-accelerated the scalar kernel runs.");
        s.AppendLine("- **KL max-entropy**: Newton on `log KL(q_beta || p)` (close to linear in the inverse temperature for near one-hot edges, where Newton on KL itself overshot for several steps) from the quadratic model `KL(q_beta || p) ~ (1 - beta)^2 Var_p(log p) / 2` (or the midpoint when that falls outside (0, 1)); iterates far from the level use the closed form `(beta - 1) E_q[log p] - log Z` (no exponential beyond the moments) when its rounding bound is below a thousandth of the distance, and every accepted value is the exact term sum; the tempered weights and the term sum run four classes at a time.");
        s.AppendLine("- **Max-entropy by the Lagrange conditions** (reverse KL, alpha, squared Hellinger, chi-square): the normaliser of each multiplier starts from the previous one's with a bracket opened at twice the Newton distance (fewer nested solves).");
        s.AppendLine("- **Batch API**: rows in chunks across cores (`ParallelRows`), the bound table shared by the threads; per-row results are identical to one thread.");
        s.AppendLine("- **Centroid for K > 3**: hit-and-run with directions scaled by the ball's exact extent along each class (any fixed symmetric direction law keeps the uniform distribution invariant); on elongated balls the chain mixes faster, so the same steps give a smaller error, and the batch-means standard error (10 batches) agrees with the spread over independent streams (tested at K = 10 and 20). The cost per step is unchanged (two chord solves).");
        s.AppendLine("- Not changed: maximality (O(K^2) pair minimisations).");
        s.AppendLine();
        s.AppendLine("## Performance targets");
        s.AppendLine();
        s.AppendLine("| target | measured | met | why |");
        s.AppendLine("|---|---|---|---|");
        foreach (var (target, measured, met, why) in Targets(r))
        {
            s.AppendLine(Invariant, $"| {target} | {measured} | {(met ? "yes" : "**no**")} | {why} |");
        }

        s.AppendLine();
        if (r.EndToEnd.Count > 0)
        {
            s.AppendLine("## End to end: `credal predict`");
            s.AppendLine();
            s.AppendLine(Invariant, $"The prediction service of `credal predict --output intersection` (`PredictionService.Stream`: the edge file read in chunks, the intersection probability of every row on all cores, the output written in chunks in the same format, atomically), run in this process on seeded synthetic rows ({r.EndToEnd[0].Rows:N0} x {r.EndToEnd[0].Classes}, 4,096 rows of the kind above tiled) written to a temporary folder beforehand (not timed), with a CD-CI KL calibrator fitted on scores of the same kind of rows; one timed run per format, wall clock.");
            s.AppendLine();
            s.AppendLine("| format | rows | seconds | rows / s |");
            s.AppendLine("|---|---:|---:|---:|");
            foreach (var e in r.EndToEnd)
            {
                s.AppendLine(Invariant, $"| {e.Format.ToUpperInvariant()} | {e.Rows:N0} | {e.Seconds:F2} | {e.RowsPerSecond:N0} |");
            }

            s.AppendLine();
            s.AppendLine("Not measured by this command: peak memory (RSS) of streaming; `bash tools/streaming-rss.sh` measures it, results in docs/STREAMING.md.");
        }
        else
        {
            s.AppendLine("Not measured by this command: streaming I/O (end-to-end CLI predict of CSV, NPY and Parquet: `--full`; peak RSS: `bash tools/streaming-rss.sh`, results in docs/STREAMING.md).");
        }
        s.AppendLine();
        s.AppendLine("## Per input");
        s.AppendLine();
        s.AppendLine("'x grid' is the time over the paper's grid at K = 3 (KL), 'x TS' over temperature scaling at the same K, 'x edge fwd' over the FMNIST-10 edge CNN's forward pass (ONNX Runtime, 1 thread, batch 1).");
        s.AppendLine(Invariant, $"Timed up to: maximality label sets and the centroid K = {(r.Full ? 100 : 10)} (O(K^2) pair minimisations; 2,200 hit-and-run steps of two chord solves each), max-entropy by the Lagrange conditions K = {(r.Full ? "32,768" : "1,000")}{(r.Full ? string.Empty : " (K = 32,768 takes seconds per input: `--full`)")}; everything else at every K of the run.");
        s.AppendLine();
        s.AppendLine("| method | divergence | K | time / input | allocated | x grid | x TS | x edge fwd |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var m in r.Measurements)
        {
            s.AppendLine(string.Join(" | ", Cells(r, m)).Insert(0, "| ") + " |");
        }

        return s.ToString();
    }

    /// <summary>The measurable performance targets, each with the measured value and why it is met or missed.</summary>
    public static IEnumerable<(string Target, string Measured, bool Met, string Why)> Targets(BenchResults r)
    {
        string load = $"load average {r.Machine.LoadBefore} before the run on {r.Machine.ProcessorCount} cores";
        var grid = r.Ratios.GridOverExact;
        string exactness = "exactness: the property tests against the double-double reference at 1e-9";
        yield return ("at least 1,000x faster than the grid per input at K = 3, exact to 1e-9", $"{r.GridSpeedupK3:F0}x (KL)", r.GridSpeedupK3 >= 1000.0,
            r.GridSpeedupK3 >= 1000.0
                ? $"the grid evaluates 20,301 points; the exact bounds are 6 binary root solves (four lanes at a time), each read from the per-threshold table and checked by one evaluation, or settled by the vertex test; {exactness}"
                : $"the exact bounds took {Time(grid.MsB)} and the grid {Time(grid.MsA)}: the grid's time is mostly its 20,301 evaluations plus about 670 KB of allocation per input, whose cost moves with the garbage collector and the {load}, so the ratio does too; {exactness}");
        yield return ("overheadVsEdgeForward <= 0.01 (bounds + IP + KL max-entropy, FMNIST-10)", $"{r.OverheadVsEdgeForward:F4}", r.OverheadVsEdgeForward <= 0.01,
            r.OverheadVsEdgeForward <= 0.01 ? "" : $"in this run bounds + IP took {Time(KlAt(r, "bounds + IP", 10))} and the KL max-entropy member {Time(KlAt(r, "max-entropy", 10))} at K = 10 (synthetic rows). Bounds + IP are 20 binary root solves; with the table and four lanes at a time each is still one exact evaluation of the binary divergence (an exponential, a logarithm and two expm1 per lane) to verify the interpolated root, plus the masses' logarithms; the KL member needs four to six passes of K exponentials (Newton on log KL) and one or two exact term sums (an exponential and an expm1 per class) to accept. 1% of the forward pass ({Time(0.01 * r.EdgeForwardMs)}) would allow no transcendental function per class, i.e. trusting the approximant without the per-input check that keeps the bounds exact");
        yield return ("0 B allocated per input on the span API", $"{r.AllocatedBytesPerInput:F0} B", r.AllocatedBytesPerInput == 0.0,
            "scratch on the stack or pooled; the bound table of a new (divergence, gamma) is allocated once, on the first input that needs it");
        yield return ("batch API at least 1.8x on 2 cores", $"{r.Batch.Speedup:F2}x on {r.Batch.Cores} cores", r.Batch.Speedup >= 1.8,
            r.Batch.Speedup >= 1.8
                ? "rows in chunks (at most 512 rows, about 200 chunks) scheduled across the cores, the bound table shared by the threads, nothing allocated per row"
                : $"rows run in chunks (at most 512 rows, about 200 chunks) scheduled across the cores, with the bound table shared and nothing allocated per row (results identical to one thread, tested); each call allocates its {r.Batch.Rows:N0} x {r.Batch.Classes} result on the large-object heap, so a gen-2 collection runs every few calls in both runs, and with the {load} other jobs compete for the second core");
        yield return ("K = 131,072 KL bounds for one input <= 10 ms", $"{r.Kl131072BoundsMs:F2} ms", r.Kl131072BoundsMs <= 10.0,
            r.Kl131072BoundsMs <= 10.0
                ? "the table start per class, then the verifying evaluation, the acceptance tests and the vertex test four classes at a time (Vector256), the masses' logarithms vectorised; any lane that fails the tests takes the scalar solve"
                : $"262,144 binary solves, verified four classes at a time (Vector256), plus the masses' logarithms: under the {load} the run missed 10 ms{(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? string.Empty : "; 256-bit vectors are not hardware-accelerated on this machine, so the scalar kernel ran")}");
        double calibration = r.Offline.TotalMs * 1_000_000.0 / r.Offline.Rows;
        yield return ("calibration (scores + threshold) of 10^6 x 10 <= 1 s", $"{calibration:F0} ms{(r.Offline.Rows == 1_000_000 ? string.Empty : $" (scaled from n = {r.Offline.Rows:N0})")}", calibration <= 1000.0,
            calibration <= 1000.0 ? "one log-domain pass over the rows, then the exact order statistic" : $"one log-domain pass (a logarithm per entry for each matrix) and the exact order statistic, timed once under the {load}");
    }

    /// <summary>The median time (ms) of a KL case at <paramref name="classes"/> classes, NaN when the run did not time it.</summary>
    private static double KlAt(BenchResults r, string method, int classes)
        => r.Measurements.FirstOrDefault(m => m.Method == method && m.Divergence == "kl" && m.Classes == classes)?.Timing.MedianMs ?? double.NaN;

    private static string[] Cells(BenchResults r, BenchMeasurement m)
    {
        double grid = r.Find(BenchResults.GridMethod).Timing.MedianMs;
        double edge = r.EdgeForwardMs;
        var ts = r.Measurements.FirstOrDefault(x => x.Method == BenchResults.TemperatureMethod && x.Classes == m.Classes);
        double t = m.Timing.MedianMs;
        return
        [
            m.Method,
            m.Divergence,
            m.Classes.ToString("N0", Invariant),
            Time(t),
            $"{m.Timing.AllocatedBytes:F0} B",
            Ratio(t / grid),
            ts is null ? "" : Ratio(t / ts.Timing.MedianMs),
            Ratio(t / edge),
        ];
    }

    private static string Time(double ms) => ms >= 1.0 ? $"{ms:F2} ms" : ms >= 1e-3 ? $"{1000.0 * ms:F2} µs" : $"{1e6 * ms:F0} ns";

    private static string Ratio(double x) => x >= 100.0 ? x.ToString("F0", Invariant) : x >= 0.01 ? x.ToString("G3", Invariant) : x.ToString("0.0E+0", Invariant);
}
