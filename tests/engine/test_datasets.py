"""Dataset geometry and CSV loading."""

import numpy as np
import pytest

from engine import DATASETS, Config, DataError, load_csv, make_dataset


def test_xor_is_the_labs_21_points_in_order():
    data = make_dataset(Config(dataset="xor"))
    expected_x, expected_y = [], []
    for i in range(11):
        expected_x.append([0.1 * i, 0.1 * i])
        expected_y.append(0)
        if 0.1 * i == 0.5:
            continue
        expected_x.append([0.1 * i, 1 - 0.1 * i])
        expected_y.append(1)
    assert data.n == 21
    assert data.x.tolist() == expected_x  # bit for bit, as the lab computes them
    assert data.y.tolist() == expected_y


def test_linear_labels_points_by_the_diagonal():
    data = make_dataset(Config(dataset="linear", samples=500, seed=3))
    assert data.x.shape == (500, 2)
    assert data.x.min() >= 0.0 and data.x.max() <= 1.0
    assert np.array_equal(data.y, np.where(data.x[:, 0] > data.x[:, 1], 0.0, 1.0))


@pytest.mark.parametrize("name", ["circle", "spiral", "gauss"])
def test_playground_sets_have_n_points_of_both_classes(name):
    data = make_dataset(Config(dataset=name, samples=201, noise=0.1, seed=2))
    assert data.x.shape == (201, 2)
    assert set(np.unique(data.y)) == {0.0, 1.0}
    assert np.all(np.isfinite(data.x))


def test_circle_without_noise_puts_class_1_inside():
    data = make_dataset(Config(dataset="circle", samples=300, seed=1))
    radius = np.hypot(data.x[:, 0], data.x[:, 1])
    assert radius[data.y == 1].max() < 2.5 <= radius[data.y == 0].min()


def test_spiral_is_two_interleaved_arms_whose_radius_grows_with_the_angle():
    data = make_dataset(Config(dataset="spiral", samples=200, noise=0.0, seed=2))
    ones, zeros = data.x[data.y == 1], data.x[data.y == 0]
    assert len(ones) == len(zeros) == 100
    assert np.allclose(zeros, -ones)  # the second arm is the first turned half a turn
    arm = ones[1:]  # from the centre outwards (ones[0] is the centre itself)
    radius = np.hypot(arm[:, 0], arm[:, 1])
    angle = np.unwrap(np.arctan2(arm[:, 0], arm[:, 1]))
    assert np.all(np.diff(radius) > 0) and np.all(np.diff(angle) > 0)  # winding outwards
    assert 1.7 < (angle[-1] - angle[0]) / (2 * np.pi) <= 1.75  # one and three quarter turns
    assert np.allclose(radius, 5 * angle / (3.5 * np.pi))  # from 0 to 5 as it turns
    noisy = make_dataset(Config(dataset="spiral", samples=200, noise=0.2, seed=2))
    jitter = np.abs(noisy.x - data.x)
    assert np.array_equal(noisy.y, data.y) and 0 < jitter.max() <= 0.2  # U(-1, 1) * noise


def test_gauss_is_two_clouds_around_opposite_centres():
    for noise, spread in ((0.0, np.sqrt(0.5)), (1.0, 2.0)):  # variance 0.5 up to 4
        data = make_dataset(Config(dataset="gauss", samples=2000, noise=noise, seed=2))
        for label, centre in ((1.0, 2.0), (0.0, -2.0)):
            cloud = data.x[data.y == label]
            assert len(cloud) == 1000
            assert np.allclose(cloud.mean(axis=0), [centre, centre], atol=0.2)
            assert np.allclose(cloud.std(axis=0), spread, rtol=0.1)
    quiet = make_dataset(Config(dataset="gauss", samples=2000, noise=0.0, seed=2))
    side = quiet.x.sum(axis=1) > 0  # without noise the diagonal x1 + x2 = 0 splits them
    assert np.mean(side == (quiet.y == 1)) > 0.999


def test_noise_moves_points_and_seed_decides_them():
    quiet = make_dataset(Config(dataset="gauss", samples=100, noise=0.0, seed=4))
    noisy = make_dataset(Config(dataset="gauss", samples=100, noise=1.0, seed=4))
    assert noisy.x.std() > quiet.x.std()
    again = make_dataset(Config(dataset="gauss", samples=100, noise=1.0, seed=4))
    assert np.array_equal(noisy.x, again.x)


def test_every_builtin_is_registered_with_its_name():
    assert list(DATASETS) == ["linear", "xor", "circle", "spiral", "gauss"]


def test_csv_with_and_without_header(tmp_path):
    (tmp_path / "a.csv").write_text("x1,x2,label\n0.5,1.5,1\n-2,3e-1,0\n")
    (tmp_path / "b.csv").write_text("0.5,1.5,1\n\n-2,0.3,0.0\n")
    for name in ("a.csv", "b.csv"):
        data = load_csv(tmp_path / name)
        assert data.x.tolist() == [[0.5, 1.5], [-2.0, 0.3]]
        assert data.y.tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    "text, message",
    [
        ("x1,x2,label\n0.1,0.2\n", "line 2: expected 3 columns"),
        ("0.1,0.2,1,9\n", "line 1: expected 3 columns"),
        ("x1,x2,label\n0.1,abc,1\n", "line 2: x2 is not a number"),
        ("0.1,0.2,1\nnan,0.2,1\n", "line 2: x1 must be a finite number"),
        ("0.1,0.2,1\n0.1,inf,0\n", "line 2: x2 must be a finite number"),
        ("0.1,0.2,2\n", "line 1: label must be 0 or 1"),
        ("0.1,0.2,0.5\n", "line 1: label must be 0 or 1"),
        ("", "no data rows"),
        ("x1,x2,label\n", "no data rows"),
    ],
)
def test_bad_csv_names_file_and_line(tmp_path, text, message):
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(DataError) as caught:
        load_csv(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_csv(tmp_path / "missing.csv")
    (tmp_path / "blob.csv").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DataError, match="blob.csv"):
        load_csv(tmp_path / "blob.csv")
