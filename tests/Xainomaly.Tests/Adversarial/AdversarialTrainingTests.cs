using Xainomaly.Adversarial;
using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Adversarial;

public sealed class AdversarialTrainingTests
{
    private const int D = 6;

    // Class 1 when x0 + x1 > 1 (with a margin); four noise inputs an undefended model may lean on.
    private static TrainingData Simulate(int n, long seed, int labelled)
    {
        var rng = new Rng(seed);
        var x = new float[n * D];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % 4 == 0 ? 1 : 0;
            double t = label == 1 ? rng.Uniform(1.12, 1.6) : rng.Uniform(0.4, 0.88);
            double a = rng.Uniform(Math.Max(0, t - 1), Math.Min(1, t));
            x[i * D] = (float)a;
            x[i * D + 1] = (float)(t - a);
            for (int j = 2; j < D; j++) x[i * D + j] = (float)Math.Clamp(rng.Uniform(0, 1) + (label == 1 ? 0.15 : -0.15) * rng.NextDouble(), 0, 1);
            y[i] = i < labelled ? label : -1;
        }
        return new TrainingData(x, D, y);
    }

    private static double AccuracyUnderAttack(IAnomalyDetector detector, TrainingData test, AttackSettings attack)
    {
        var r = attack.Create(detector, FeatureMask.All(D)).Generate(test.X, test.Labels, test.Count, AttackGoal.Both);
        var p = r.PredictionsAfter();
        int right = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] == test.Labels[i]) right++;
        return (double)right / p.Length;
    }

    [Fact]
    public void AdversarialTrainingRaisesAccuracyUnderTheSameAttackOnHeldOutData()
    {
        var train = Simulate(600, seed: 1, labelled: 600);
        var test = Simulate(400, seed: 2, labelled: 400);
        var settings = new TrainerSettings { Steps = 300, ValidationShare = 0.25 };
        var attack = new AttackSettings { Method = "fgsm", Epsilon = 0.1 };
        var plain = DetectorTrainers.Create("mlp", settings).Fit(train, new TrainingContext(7));
        var trainer = new AdversarialTrainer(DetectorTrainers.Create("mlp", settings), new AdversarialTrainingOptions(attack, FeatureMask.All(D), Ratio: 1.0, Rounds: 3));
        var context = new TrainingContext(7);
        var hardened = trainer.Fit(train, context);
        double before = AccuracyUnderAttack(plain, test, attack);
        double after = AccuracyUnderAttack(hardened, test, attack);
        Assert.True(after > before + 0.02, $"accuracy under FGSM: undefended {before:F3}, adversarially trained {after:F3}");
        Assert.Equal(3 * 600, context.Validation["adversarialTraining"]!["adversarialRows"]!.GetValue<int>());
        Assert.True(trainer.Hyperparameters.ContainsKey("adversarialTraining"));
    }

    [Fact]
    public void AdversarialTrainingUsesOnlyTheBudgetLabels()
    {
        var train = Simulate(200, seed: 3, labelled: 40);
        var inner = new RecordingTrainer();
        var trainer = new AdversarialTrainer(inner, new AdversarialTrainingOptions(new AttackSettings { Method = "fgsm", Epsilon = 0.1 }, FeatureMask.All(D), Ratio: 2.0, Rounds: 2));
        trainer.Fit(train, new TrainingContext(1));
        Assert.Equal(3, inner.Seen.Count);
        Assert.Equal(40, inner.Seen[0].LabelledRows().Length);
        // Each round adds 2 × 40 adversarial rows, all labelled with the label of the budget row they copy.
        Assert.Equal(200 + 80, inner.Seen[1].Count);
        Assert.Equal(40 + 80, inner.Seen[1].LabelledRows().Length);
        Assert.Equal(200 + 160, inner.Seen[2].Count);
        Assert.Equal(200 - 40, inner.Seen[2].UnlabelledRows().Length);
    }

    [Fact]
    public void SequenceTrainersAndBadRatiosAreRefused()
    {
        var attack = new AttackSettings { Method = "pgd", Epsilon = 0.1 };
        Assert.Throws<ArgumentException>(() => new AdversarialTrainer(DetectorTrainers.Create("lstm-ae"), new AdversarialTrainingOptions(attack, FeatureMask.All(D))));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdversarialTrainer(DetectorTrainers.Create("mlp"), new AdversarialTrainingOptions(attack, FeatureMask.All(D), Ratio: 0)));
    }

    private sealed class RecordingTrainer : IDetectorTrainer
    {
        public List<TrainingData> Seen { get; } = [];

        public string Kind => "quadratic";

        public System.Text.Json.Nodes.JsonObject Hyperparameters { get; } = [];

        public IAnomalyDetector Fit(TrainingData data, TrainingContext context)
        {
            Seen.Add(data);
            return new QuadraticDetector([1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], 1.0);
        }
    }
}
