using Xainomaly.Detection;

namespace Xainomaly.Tests.Adversarial;

public sealed class DerivedRowsTests
{
    private sealed class Captured(NetworkFitRequest request) : Exception("captured")
    {
        public NetworkFitRequest Request { get; } = request;
    }

    // 40 clean labelled rows, 60 unlabelled, then one adversarial copy of every labelled row.
    private static TrainingData WithCopies()
    {
        const int clean = 100, labelled = 40;
        var y = new int[clean + labelled];
        var copyOf = new int[clean + labelled];
        for (int i = 0; i < clean; i++)
        {
            y[i] = i < labelled ? i % 4 == 0 ? 1 : 0 : -1;
            copyOf[i] = -1;
        }
        for (int k = 0; k < labelled; k++)
        {
            y[clean + k] = y[k];
            copyOf[clean + k] = k;
        }
        var x = new float[y.Length * 2];
        for (int i = 0; i < x.Length; i++) x[i] = i % 7 / 7f;
        return new TrainingData(x, 2, y) { CopyOf = copyOf };
    }

    [Fact]
    public void CopiesAreNeverHeldBackAndCopiesOfHeldBackRowsAreNeverTrainedOn()
    {
        var data = WithCopies();
        var trainer = new SemiSupervisedTrainer("probe", new TrainerSettings { ValidationShare = 0.25 }, [], r => throw new Captured(r));
        var request = Assert.Throws<Captured>(() => trainer.Fit(data, new TrainingContext(3))).Request;
        var heldBack = request.Validation.Where(i => !data.IsCopy(i)).ToHashSet();
        Assert.InRange(heldBack.Count, 8, 12);
        // Early stopping sees exactly the copies of the held-back rows besides them.
        Assert.Equal(heldBack.OrderBy(i => i), request.Validation.Where(data.IsCopy).Select(i => data.CopyOf![i]).OrderBy(i => i));
        foreach (var i in request.Labelled)
        {
            Assert.DoesNotContain(i, heldBack);
            if (data.IsCopy(i)) Assert.DoesNotContain(data.CopyOf![i], heldBack);
        }
        // The clean training labels and one copy of each.
        Assert.Equal(2 * (40 - heldBack.Count), request.Labelled.Length);
        Assert.DoesNotContain(request.Unlabelled, data.IsCopy);
    }

    [Fact]
    public void CopyOfMustPointAtOriginalRows()
    {
        var data = WithCopies();
        var bad = (int[])data.CopyOf!.Clone();
        bad[^1] = data.Count - 2; // a copy of a copy
        Assert.Throws<ArgumentException>(() => (data with { CopyOf = bad }).Validate());
        Assert.Throws<ArgumentException>(() => (data with { CopyOf = [1, 2] }).Validate());
    }
}
