using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Detection;

public sealed class SemiSupervisedBatchesTests
{
    private static TrainingData Data(int n, int labelled)
    {
        var x = new float[n * 2];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i < labelled ? i % 2 : -1;
        }
        return new TrainingData(x, 2, y);
    }

    [Fact]
    public void BatchesMixLabelledAndUnlabelledRowsWithTheirWeights()
    {
        var data = Data(100, 10);
        var b = new SemiSupervisedBatches(data, data.LabelledRows(), data.UnlabelledRows(), 8, 3, 2.5f, new Rng(1));
        var seenLabelled = new HashSet<int>();
        for (int step = 0; step < 20; step++)
        {
            b.Next();
            for (int i = 0; i < 8; i++)
            {
                int row = b.Rows[i];
                Assert.Equal(row, (int)b.X[2 * i]);
                if (i < 3)
                {
                    Assert.True(row < 10);
                    Assert.Equal(2.5f, b.Weights[i]);
                    Assert.Equal(data.Labels[row], (int)b.Labels[i]);
                    seenLabelled.Add(row);
                }
                else
                {
                    Assert.True(row >= 10);
                    Assert.Equal(0f, b.Weights[i]);
                }
            }
        }
        Assert.Equal(10, seenLabelled.Count); // every labelled row is used once per pass
    }

    [Fact]
    public void AllLabelledDataFillsWholeBatchesWithLabels()
    {
        var data = Data(20, 20);
        var b = new SemiSupervisedBatches(data, data.LabelledRows(), data.UnlabelledRows(), 8, 3, 1f, new Rng(1));
        b.Next();
        Assert.All(b.Weights, w => Assert.Equal(1f, w));
    }
}
