using CredalDistill.Experiments;

namespace CredalDistill.Experiments.Tests;

public sealed class SplitPlanTests
{
    [Fact]
    public void Partitions_the_inputs_into_three_disjoint_sets_of_the_requested_sizes()
    {
        var plan = SplitPlan.Create(3000, 1000, 700, seed: 11, split: 4);
        Assert.Equal(1000, plan.Calibration.Length);
        Assert.Equal(700, plan.Labeled.Length);
        Assert.Equal(1300, plan.Test.Length);
        var all = plan.Calibration.Concat(plan.Labeled).Concat(plan.Test).ToArray();
        Assert.Equal(Enumerable.Range(0, 3000), all.Order());
    }

    [Fact]
    public void Is_reproducible_per_seed_and_split_and_differs_between_splits()
    {
        var a = SplitPlan.Create(500, 100, 100, seed: 3, split: 0);
        var b = SplitPlan.Create(500, 100, 100, seed: 3, split: 0);
        var c = SplitPlan.Create(500, 100, 100, seed: 3, split: 1);
        var d = SplitPlan.Create(500, 100, 100, seed: 4, split: 0);
        Assert.Equal(a.Calibration, b.Calibration);
        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Calibration, c.Calibration);
        Assert.NotEqual(a.Calibration, d.Calibration);
    }

    [Fact]
    public void Refuses_a_plan_without_test_inputs()
    {
        var ex = Assert.Throws<ArgumentException>(() => SplitPlan.Create(100, 60, 40, seed: 1, split: 0));
        Assert.Contains("no test set", ex.Message);
    }
}
