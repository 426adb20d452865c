namespace SmartCity.Training.Tests;

public class HeadTrainingTests
{
    /// <summary>10 of class 0, 20 of class 1, 5 of class 2, interleaved.</summary>
    private static readonly int[] Labels = [.. Enumerable.Range(0, 10).Select(_ => 0), .. Enumerable.Range(0, 20).Select(_ => 1), .. Enumerable.Range(0, 5).Select(_ => 2)];

    [Fact]
    public void StratifiedSplit_holds_out_the_fraction_of_every_class()
    {
        var (train, test) = HeadTraining.StratifiedSplit(Labels, 0.2, seed: 42);

        Assert.Equal([2, 4, 1], CountPerClass(test));
        Assert.Equal([8, 16, 4], CountPerClass(train));
    }

    [Fact]
    public void StratifiedSplit_puts_every_example_in_exactly_one_part()
    {
        var (train, test) = HeadTraining.StratifiedSplit(Labels, 0.3, seed: 1);

        Assert.Equal(Enumerable.Range(0, Labels.Length), train.Concat(test).Order());
    }

    [Fact]
    public void StratifiedSplit_is_the_same_for_the_same_seed_and_differs_for_another()
    {
        var first = HeadTraining.StratifiedSplit(Labels, 0.2, seed: 42);
        var again = HeadTraining.StratifiedSplit(Labels, 0.2, seed: 42);
        var other = HeadTraining.StratifiedSplit(Labels, 0.2, seed: 43);

        Assert.Equal(first.Test, again.Test);
        Assert.Equal(first.Train, again.Train);
        Assert.NotEqual(first.Test, other.Test);
    }

    private static int[] CountPerClass(List<int> indexes) => [.. Enumerable.Range(0, 3).Select(c => indexes.Count(i => Labels[i] == c))];
}
