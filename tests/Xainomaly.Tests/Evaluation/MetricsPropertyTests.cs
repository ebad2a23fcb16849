using FsCheck;
using FsCheck.Xunit;

using Xainomaly.Evaluation;

namespace Xainomaly.Tests.Evaluation;

/// <summary>Invariants of the metrics over random inputs (FsCheck).</summary>
public sealed class MetricsPropertyTests
{
    private const double Tol = 1e-12;

    // Small integer scores make ties frequent; one forced positive and one forced negative guarantee both classes.
    private static (int[] Labels, double[] Scores) Sample((bool Positive, int Score)[] rows, int positiveScore, int negativeScore)
    {
        int n = rows.Length + 2;
        var y = new int[n];
        var s = new double[n];
        for (int i = 0; i < rows.Length; i++)
        {
            y[i] = rows[i].Positive ? 1 : 0;
            s[i] = rows[i].Score;
        }
        (y[n - 2], s[n - 2]) = (1, positiveScore);
        (y[n - 1], s[n - 1]) = (0, negativeScore);
        return (y, s);
    }

    /// <summary>Brute-force Mann–Whitney AUC, O(n²): the definition the fast version must agree with.</summary>
    private static double PairwiseAuc(int[] y, double[] s)
    {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] != 1) continue;
            for (int j = 0; j < y.Length; j++)
            {
                if (y[j] != 0) continue;
                pairs++;
                wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
            }
        }
        return wins / pairs;
    }

    [Property(MaxTest = 300)]
    public bool AucEqualsPairwiseDefinition((bool, int)[] rows, int ps, int ns)
    {
        var (y, s) = Sample(rows, ps, ns);
        return Math.Abs(Metrics.RocAuc(y, s) - PairwiseAuc(y, s)) < Tol;
    }

    [Property(MaxTest = 300)]
    public bool AucInvariantUnderStrictlyIncreasingTransform((bool, int)[] rows, int ps, int ns)
    {
        var (y, s) = Sample(rows, ps, ns);
        // Strictly increasing on the integers and exact in double for the generated range.
        var t = Array.ConvertAll(s, v => (v * v * v) + (3 * v) - 11);
        var u = Array.ConvertAll(s, v => (float)Math.Atan(v / 1000.0));
        double auc = Metrics.RocAuc(y, s);
        return Math.Abs(Metrics.RocAuc(y, t) - auc) < Tol
            && Math.Abs(Metrics.RocAuc(y, u) - auc) < Tol
            && Math.Abs(Metrics.AveragePrecision(y, t) - Metrics.AveragePrecision(y, s)) < Tol;
    }

    [Property(MaxTest = 300)]
    public bool AucOfNegatedScoresIsComplement((bool, int)[] rows, int ps, int ns)
    {
        // Holds with ties too, since a tie counts ½ either way.
        var (y, s) = Sample(rows, ps, ns);
        var neg = Array.ConvertAll(s, v => -v);
        return Math.Abs(Metrics.RocAuc(y, neg) - (1.0 - Metrics.RocAuc(y, s))) < Tol;
    }

    [Property(MaxTest = 200)]
    public bool AucOfNegatedDistinctScoresIsComplement(bool[] labels, int seed)
    {
        int n = labels.Length + 2;
        var y = new int[n];
        for (int i = 0; i < labels.Length; i++) y[i] = labels[i] ? 1 : 0;
        y[n - 2] = 1;
        var s = new Xainomaly.Numerics.Rng(seed).Permutation(n);
        var d = Array.ConvertAll(s, v => (double)v);
        var neg = Array.ConvertAll(s, v => -(double)v);
        return Math.Abs(Metrics.RocAuc(y, neg) - (1.0 - Metrics.RocAuc(y, d))) < Tol;
    }

    [Property(MaxTest = 300)]
    public bool CurvesMatchScalarFigures((bool, int)[] rows, int ps, int ns)
    {
        var (y, s) = Sample(rows, ps, ns);
        double auc = Metrics.RocAuc(y, s);
        return Math.Abs(RocCurve.Compute(y, s).Area() - auc) < Tol
            && Math.Abs(RocCurve.Compute(y, s, dropIntermediate: true).Area() - auc) < Tol
            && Math.Abs(PrecisionRecallCurve.Compute(y, s).AveragePrecision() - Metrics.AveragePrecision(y, s)) < Tol;
    }

    [Property(MaxTest = 300)]
    public bool UarIsMeanOfTprAndTnrAndWithinUnitInterval((bool Label, bool Prediction)[] rows)
    {
        var y = new int[rows.Length + 2];
        var p = new int[rows.Length + 2];
        for (int i = 0; i < rows.Length; i++)
        {
            y[i] = rows[i].Label ? 1 : 0;
            p[i] = rows[i].Prediction ? 1 : 0;
        }
        (y[^2], p[^2]) = (1, rows.Length % 2);
        (y[^1], p[^1]) = (0, rows.Length % 3 == 0 ? 1 : 0);
        double uar = Metrics.UnweightedAverageRecall(y, p);
        int tp = 0, pos = 0, tn = 0, neg = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] == 1)
            {
                pos++;
                tp += p[i];
            }
            else
            {
                neg++;
                tn += 1 - p[i];
            }
        }
        double expected = (((double)tp / pos) + ((double)tn / neg)) / 2;
        return uar >= 0 && uar <= 1 && Math.Abs(uar - expected) < Tol;
    }

    [Property(MaxTest = 300)]
    public bool ConfusionCellsAddUpToRowCount((bool, NormalFloat)[] rows, NormalFloat threshold)
    {
        var y = Array.ConvertAll(rows, r => r.Item1 ? 1 : 0);
        var s = Array.ConvertAll(rows, r => r.Item2.Get);
        var c = ConfusionMatrix.FromScores(y, s, threshold.Get);
        int positives = 0;
        foreach (int v in y) positives += v;
        return c.Total == rows.Length && c.Positives == positives && c.Negatives == rows.Length - positives
            && c.TrueNegatives >= 0 && c.FalsePositives >= 0 && c.FalseNegatives >= 0 && c.TruePositives >= 0;
    }
}
