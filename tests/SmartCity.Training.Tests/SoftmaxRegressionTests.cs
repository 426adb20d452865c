namespace SmartCity.Training.Tests;

public class SoftmaxRegressionTests
{
    private static readonly float[][] Centres = [[0f, 0f], [4f, 0f], [0f, 4f]];

    /// <summary>Ten points around each centre (within 0.5 on each axis), classes in order.</summary>
    private static (float[][] X, int[] Y) SeparableSet()
    {
        var random = new Random(1);
        var x = new List<float[]>();
        var y = new List<int>();
        for (var c = 0; c < Centres.Length; c++)
        {
            for (var i = 0; i < 10; i++)
            {
                x.Add([Centres[c][0] + (float)(random.NextDouble() - 0.5), Centres[c][1] + (float)(random.NextDouble() - 0.5)]);
                y.Add(c);
            }
        }

        return ([.. x], [.. y]);
    }

    [Fact]
    public void Train_learns_a_separable_set_and_classifies_new_points_near_each_centre()
    {
        var (x, y) = SeparableSet();

        var model = SoftmaxRegression.Train(x, y, classes: 3);

        Assert.Equal(y, x.Select(model.Predict));
        Assert.Equal(0, model.Predict([0.2f, -0.1f]));
        Assert.Equal(1, model.Predict([3.8f, 0.3f]));
        Assert.Equal(2, model.Predict([-0.3f, 4.1f]));
        Assert.True(model.Probabilities([4f, 0f])[1] > 0.9f, "a point on a centre should be its class with high probability");
    }

    [Fact]
    public void Stronger_regularisation_gives_smaller_weights()
    {
        var (x, y) = SeparableSet();

        var weak = SoftmaxRegression.Train(x, y, classes: 3, l2: 1e-4f);
        var strong = SoftmaxRegression.Train(x, y, classes: 3, l2: 1f);

        var weakNorm = weak.Weights.Sum(w => w * w);
        var strongNorm = strong.Weights.Sum(w => w * w);
        Assert.True(strongNorm < weakNorm / 2, $"L2 = 1 gave |W|² {strongNorm}, L2 = 1e-4 gave {weakNorm}");
        Assert.Equal(y, x.Select(strong.Predict));
    }

    [Fact]
    public void Folded_weights_on_raw_features_give_the_same_probabilities_as_the_model()
    {
        var (x, y) = SeparableSet();
        var model = SoftmaxRegression.Train(x, y, classes: 3);

        var (weights, bias) = model.Folded();

        foreach (var point in x)
        {
            var logits = new float[3];
            for (var c = 0; c < 3; c++)
            {
                logits[c] = bias[c] + (point[0] * weights[c]) + (point[1] * weights[3 + c]);
            }

            var max = logits.Max();
            var exp = logits.Select(l => MathF.Exp(l - max)).ToArray();
            var expected = model.Probabilities(point);
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(expected[c], exp[c] / exp.Sum(), 4);
            }
        }
    }

    [Fact]
    public void A_sample_weight_of_zero_leaves_that_example_out()
    {
        var (x, y) = SeparableSet();
        // A class-0 point labelled 2, far inside class 0: with weight 0 it must not pull the boundary.
        float[][] withOutlier = [.. x, [0f, 0f]];
        int[] labels = [.. y, 2];
        float[] weights = [.. Enumerable.Repeat(1f, x.Length), 0f];

        var model = SoftmaxRegression.Train(withOutlier, labels, classes: 3, sampleWeights: weights);

        Assert.Equal(0, model.Predict([0f, 0f]));
    }
}
