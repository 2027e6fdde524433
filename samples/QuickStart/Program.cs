using Rgsud.Data;
using Rgsud.Imaging;
using Rgsud.Inference;
using Rgsud.Networks;
using Rgsud.Networks.Methods.Csud;
using Rgsud.Rewards.Scorers;
using Rgsud.Strategy;
using Rgsud.Strategy.Banks;
using Rgsud.Strategy.SelfReinforcementLosses;
using Rgsud.Strategy.Synthesizers;
using static TorchSharp.torch;

// 1. A small unpaired set made in code: smooth clean scenes, and other scenes with diagonal rain streaks.
manual_seed(0);
Tensor Scene() => nn.functional.interpolate(rand(1, 3, 6, 6), [64, 64], mode: InterpolationMode.Bilinear, align_corners: true) * 0.7 + 0.15;
Tensor Rain() => nn.functional.conv2d((rand(1, 1, 64, 64) > 0.99).to(float32), eye(9).reshape(1, 1, 9, 9), padding: [4, 4]) * 0.5;
Tensor Rainy() => (Scene() + Rain()).clamp(0, 1);
var rainy = Enumerable.Range(0, 8).Select(_ => Rainy()).ToList();
var clean = Enumerable.Range(0, 8).Select(_ => Scene()).ToList();
using var data = UnpairedImageDataset.FromTensors(
    rainy.Select((x, i) => ($"rainy-{i}", x)).ToList(), clean.Select((x, i) => ($"clean-{i}", x)).ToList());

// 2. The reward scorer: a small rain critic learnt from the same unpaired images (or NIQE, or your own IRewardScorer).
using var scorer = RainCritic.Train(rainy, clean,
    new RainCriticOptions { Steps = 20, BatchSize = 4, MinCropSize = 32, MaxCropSize = 32, ScoreCropSize = 32 });

// 3. An unpaired method (CSUD-style, with a small NAFNet derainer) wrapped by the two-stage RGSUD strategy.
using var method = new CsudMethod(CsudOptions.Small, DerainerRegistry.Create("nafnet-small"));
var options = new SelfReinforcementOptions { Iterations = 8, Stage1Iterations = 4, RecycleEvery = 4, CropSize = 32, BatchSize = 1 };
var trainer = new SelfReinforcementTrainer(method, data, scorer, new InMemoryRewardBank(scorer.Direction),
    new AutoPseudoPairSynthesizer(), new MseSelfReinforcementLoss(options.Lambda2), options);
var result = trainer.Train();
Console.WriteLine($"trained {result.StepsCompleted} steps (stage 2 from step {result.Stage2StartStep}), " +
    $"reward bank {result.Bank?.Filled}/{result.Bank?.Slots} filled");

// 4. Derain a new rainy image with the trained derainer.
using var image = Rainy();
using var derained = DerainerInference.Derain(method.Derainer, image);
ImageIO.WritePng(derained, "derained.png");
Console.WriteLine($"derained.png: {derained.shape[3]}x{derained.shape[2]}");
