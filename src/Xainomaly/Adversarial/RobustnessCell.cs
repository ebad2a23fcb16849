namespace Xainomaly.Adversarial;

/// <summary>One detector × attack × ε of the robustness matrix (test split figures; UAR = unweighted average recall).</summary>
/// <param name="Kind">Detector kind.</param>
/// <param name="Score">What the detector's score is.</param>
/// <param name="Attack">The attack settings.</param>
/// <param name="CleanAccuracy">Accuracy on the clean test rows.</param>
/// <param name="CleanUar">UAR on the clean test rows.</param>
/// <param name="AttackAccuracy">Accuracy under attack.</param>
/// <param name="AttackUar">UAR under attack.</param>
/// <param name="SuccessRate">Share of correctly classified attacked rows the attack flipped.</param>
/// <param name="MeanFeaturesChanged">Mean inputs changed per attacked row.</param>
/// <param name="MillisecondsPerExample">Wall time per adversarial example.</param>
/// <param name="Affected">Affected features of the attack on the clean model, with the SHAP ranking.</param>
/// <param name="HardenedCleanAccuracy">Accuracy of the adversarially trained model on clean test rows.</param>
/// <param name="HardenedCleanUar">Its UAR on clean test rows.</param>
/// <param name="HardenedAttackAccuracy">Its accuracy under the same attack (run against it).</param>
/// <param name="HardenedAttackUar">Its UAR under that attack.</param>
/// <param name="HardenedSuccessRate">The attack's success rate against it.</param>
/// <param name="HardenedMeanFeaturesChanged">Mean inputs changed per attacked row against it.</param>
/// <param name="HardenSeconds">Wall time of the adversarial training.</param>
public sealed record RobustnessCell(
    string Kind,
    string Score,
    AttackSettings Attack,
    double CleanAccuracy,
    double CleanUar,
    double AttackAccuracy,
    double AttackUar,
    double? SuccessRate,
    double MeanFeaturesChanged,
    double MillisecondsPerExample,
    AffectedFeatureReport Affected,
    double? HardenedCleanAccuracy = null,
    double? HardenedCleanUar = null,
    double? HardenedAttackAccuracy = null,
    double? HardenedAttackUar = null,
    double? HardenedSuccessRate = null,
    double? HardenedMeanFeaturesChanged = null,
    double? HardenSeconds = null);
