namespace Xainomaly.Adversarial;

/// <summary>The adversarial rows an attack produced and what it did to each.</summary>
/// <param name="Method">Attack method.</param>
/// <param name="Goal">Attack goal.</param>
/// <param name="Width">Inputs per row.</param>
/// <param name="Adversarial">Row-major adversarial rows (unattacked rows equal the input).</param>
/// <param name="Rows">One record per row.</param>
/// <param name="ScoresBefore">Detector score of each clean row.</param>
/// <param name="ScoresAfter">Detector score of each adversarial row.</param>
/// <param name="Threshold">The detector's threshold τ.</param>
/// <param name="WallTime">Time spent generating (gradients, steps and the final scoring).</param>
public sealed record AttackResult(string Method, AttackGoal Goal, int Width, float[] Adversarial, AttackRecord[] Rows, float[] ScoresBefore, float[] ScoresAfter, double Threshold, TimeSpan WallTime)
{
    /// <summary>Number of rows.</summary>
    public int Count => Rows.Length;

    /// <summary>Number of attacked rows.</summary>
    public int Attacked
    {
        get
        {
            int n = 0;
            foreach (var r in Rows) if (r.Attacked) n++;
            return n;
        }
    }

    /// <summary>
    /// Share of attacked rows the detector got right before the attack and wrong after it (null when it got none
    /// right): the usual success rate, which does not credit the attack with the detector's own mistakes.
    /// </summary>
    public double? SuccessRate
    {
        get
        {
            int correct = 0, flipped = 0;
            foreach (var r in Rows)
            {
                if (!r.Attacked || !r.CorrectBefore) continue;
                correct++;
                if (r.Success) flipped++;
            }
            return correct == 0 ? null : (double)flipped / correct;
        }
    }

    /// <summary>Mean number of inputs changed per attacked row.</summary>
    public double MeanFeaturesChanged => MeanOver(r => r.L0);

    /// <summary>Mean L∞ size of the perturbation per attacked row (scaled units).</summary>
    public double MeanLInf => MeanOver(r => r.LInf);

    /// <summary>Mean gradient steps per attacked row.</summary>
    public double MeanIterations => MeanOver(r => r.Iterations);

    /// <summary>Wall time per attacked row, in milliseconds.</summary>
    public double MillisecondsPerExample => Attacked == 0 ? 0 : WallTime.TotalMilliseconds / Attacked;

    /// <summary>Predictions (score &gt; τ) of the adversarial rows.</summary>
    public int[] PredictionsAfter()
    {
        var p = new int[ScoresAfter.Length];
        for (int i = 0; i < p.Length; i++) p[i] = ScoresAfter[i] > Threshold ? 1 : 0;
        return p;
    }

    private double MeanOver(Func<AttackRecord, double> f)
    {
        double s = 0;
        int n = 0;
        foreach (var r in Rows)
        {
            if (!r.Attacked) continue;
            s += f(r);
            n++;
        }
        return n == 0 ? 0 : s / n;
    }
}
