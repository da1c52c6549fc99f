using CredalDistill.Conformal;
using CredalDistill.Divergences;
using CredalDistill.Monitoring;

namespace CredalDistill.Experiments;

/// <summary>
/// Drift monitoring on the bundled models: the KL threshold (eps 0.1) of split 0's calibration set; audited streams of
/// (cloud, edge) pairs drawn from that split's test rows. Unshifted streams give the false-alarm rate of
/// <see cref="CoverageMonitor"/>; streams that switch after <see cref="ChangePoint"/> clean inputs to a simulated
/// <see cref="ImageShift"/> give the detection rate and delay; <see cref="AdaptiveThreshold"/> run on the same shifted
/// streams gives the coverage it restores after the change.
/// </summary>
public sealed class MonitoringStudy(ExperimentOptions options)
{
    /// <summary>Miscoverage of the monitored threshold.</summary>
    public const double Epsilon = 0.1;

    /// <summary>Alarm level (false-alarm probability over a whole stream).</summary>
    public const double Alpha = 0.05;

    /// <summary>Clean audited inputs before the shift starts.</summary>
    public const int ChangePoint = 500;

    /// <summary>Audited inputs per stream.</summary>
    public const int StreamLength = 3000;

    /// <summary>Streams per setting.</summary>
    public const int Streams = 200;

    /// <summary>ACI step.</summary>
    public const double LearningRate = 0.01;

    private readonly ExperimentRunner _plans = new(options);

    /// <summary>Runs the study on one task and its shifted copies.</summary>
    public MonitoringStudyResult Run(TaskOutputs task, IReadOnlyList<TaskOutputs> shifted, IReadOnlyList<ImageShift> shifts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var plan = _plans.Plan(task, 0);
        var kl = Divergence.KL;
        var scores = SplitConformal.Scores(task.Cloud, task.Edge, kl);
        var calScores = plan.Calibration.Select(i => scores[i]).ToArray();
        double gamma = SplitConformal.Threshold(calScores, Epsilon);
        var pool = plan.Test;
        int length = Math.Min(StreamLength, pool.Length);

        // Unshifted: false alarms.
        int falseAlarms = 0;
        for (int s = 0; s < Streams; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var order = Shuffle(pool, options.Seed + (ulong)s);
            var monitor = new CoverageMonitor(Epsilon, Alpha);
            for (int t = 0; t < length && !monitor.Alarm; t++)
            {
                monitor.Observe(scores[order[t]] <= gamma);
            }

            falseAlarms += monitor.Alarm ? 1 : 0;
        }

        var shiftResults = new List<MonitoringShiftSummary>();
        double[]? traceCoverage = null, traceLower = null, traceUpper = null;
        for (int sh = 0; sh < shifted.Count; sh++)
        {
            var shiftedScores = SplitConformal.Scores(shifted[sh].Cloud, shifted[sh].Edge, kl);
            double shiftedCoverage = pool.Count(i => shiftedScores[i] <= gamma) / (double)pool.Length;
            int detected = 0, early = 0;
            var delays = new List<double>();
            double fixedCovered = 0, aciCovered = 0, after = 0;
            for (int s = 0; s < Streams; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var order = Shuffle(pool, options.Seed + 7919UL + (ulong)((sh * Streams) + s));
                var monitor = new CoverageMonitor(Epsilon, Alpha);
                var aci = new AdaptiveThreshold(calScores, Epsilon, LearningRate);
                bool trace = sh == 0 && s == 0;
                if (trace)
                {
                    traceCoverage = new double[length];
                    traceLower = new double[length];
                    traceUpper = new double[length];
                }

                for (int t = 0; t < length; t++)
                {
                    double score = t < ChangePoint ? scores[order[t]] : shiftedScores[order[t]];
                    bool covered = score <= gamma;
                    bool raised = monitor.Observe(covered);
                    bool aciCover = aci.Observe(score);
                    if (raised)
                    {
                        if (t < ChangePoint)
                        {
                            early++;
                        }
                        else
                        {
                            detected++;
                            delays.Add(t + 1 - ChangePoint);
                        }
                    }

                    if (t >= ChangePoint)
                    {
                        fixedCovered += covered ? 1 : 0;
                        aciCovered += aciCover ? 1 : 0;
                        after++;
                    }

                    if (trace)
                    {
                        traceCoverage![t] = monitor.Coverage;
                        traceLower![t] = monitor.Lower;
                        traceUpper![t] = monitor.Upper;
                    }
                }
            }

            delays.Sort();
            shiftResults.Add(new MonitoringShiftSummary
            {
                Shift = shifts[sh].Name,
                ShiftedCoverage = shiftedCoverage,
                DetectionRate = (double)detected / Streams,
                EarlyAlarmRate = (double)early / Streams,
                MeanDelay = delays.Count == 0 ? double.NaN : delays.Average(),
                MedianDelay = delays.Count == 0 ? double.NaN : delays[delays.Count / 2],
                FixedCoverageAfterShift = fixedCovered / after,
                AdaptiveCoverageAfterShift = aciCovered / after,
            });
        }

        return new MonitoringStudyResult
        {
            Task = task.Task.Name,
            Gamma = gamma,
            CleanCoverage = pool.Count(i => scores[i] <= gamma) / (double)pool.Length,
            FalseAlarmRate = (double)falseAlarms / Streams,
            Shifts = shiftResults,
            TraceShift = shifts.Count > 0 ? shifts[0].Name : string.Empty,
            TraceCoverage = traceCoverage ?? [],
            TraceLower = traceLower ?? [],
            TraceUpper = traceUpper ?? [],
        };
    }

    private static int[] Shuffle(int[] pool, ulong seed)
    {
        var order = (int[])pool.Clone();
        var rng = new Random((int)(seed % int.MaxValue));
        rng.Shuffle(order);
        return order;
    }
}
