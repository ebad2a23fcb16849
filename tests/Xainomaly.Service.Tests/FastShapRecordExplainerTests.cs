using Xainomaly.Explanation;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests;

/// <summary>The service's record explainer on the batched fastSHAP-C path.</summary>
public sealed class FastShapRecordExplainerTests
{
    private static Models M => Models.Shared;

    [Fact]
    public void Records_carry_the_explainers_own_fastSHAP_C_figures_batch_after_batch()
    {
        // Own copies: explainers reuse buffers, and the shared one may be in use by another test class.
        var records = new FastShapRecordExplainer(ExplainerModel.Load(M.ExplainerPath, M.Trained), coalitions: 16, seed: 42);
        var reference = ExplainerModel.Load(M.ExplainerPath, M.Trained).Explainer;
        int d = records.InputWidth;
        var x = M.Trained.Inputs(M.Table, out _);
        int count = Math.Min(300, x.Length / d);
        Assert.True(count >= 100, $"only {count} rows");

        IReadOnlyList<RecordExplanation>? first = null;
        ExplanationSet? firstWant = null;
        for (int call = 0; call < 2; call++)
        {
            // Batches of different sizes: the explainer's buffers grow and are reused; the seed advances per batch.
            int n = call == 0 ? count : 37;
            var rows = x.AsSpan(call * d, n * d).ToArray();
            var got = records.Explain(rows, n);
            var want = reference.ExplainWithConfidence(rows, n, 16, 42 + call);
            Assert.Equal(n, got.Count);
            for (int r = 0; r < n; r++)
            {
                var e = got[r];
                Assert.Equal(want.ValuesOf(r).ToArray(), e.Phi);
                Assert.Equal(want.BaseValues[r], e.BaseValue);
                Assert.Equal(want.ConfidenceScores![r], e.ConfidenceScore);
                Assert.Equal(want.ErrorMetrics![r], e.ErrorMetric);
                Assert.Equal(want.EfficiencyGaps![r], e.EfficiencyGap);
                Assert.True(e.ErrorMetric >= e.ConfidenceScore * e.ConfidenceScore - 1e-12);
            }
            first ??= got;
            firstWant ??= want;
        }
        // The first batch's records still hold their own φ after the second batch reused the explainer's buffers.
        for (int r = 0; r < first!.Count; r++) Assert.Equal(firstWant!.ValuesOf(r).ToArray(), first[r].Phi);
    }
}
