//! The geometry aliases every spatia crate uses, all over nalgebra, all in `f32`.

/// The math crate itself, for the rare matrix the aliases do not name.
pub use nalgebra as na;

/// A 3-vector (positions, directions, normals), metres where it is a position.
pub type Vec3 = nalgebra::Vector3<f32>;
/// A 2-vector (floor-plane coordinates, pixel coordinates).
pub type Vec2 = nalgebra::Vector2<f32>;
/// A 3x3 matrix.
pub type Mat3 = nalgebra::Matrix3<f32>;
/// A rotation in 3-D.
pub type Rot3 = nalgebra::Rotation3<f32>;
/// A rigid transform (rotation then translation).
pub type Iso3 = nalgebra::Isometry3<f32>;

/// Converts a `[x, y, z]` array into a [`Vec3`].
#[inline]
pub fn v3(p: [f32; 3]) -> Vec3 {
    Vec3::new(p[0], p[1], p[2])
}

/// Converts a [`Vec3`] into a `[x, y, z]` array.
#[inline]
pub fn arr(v: &Vec3) -> [f32; 3] {
    [v.x, v.y, v.z]
}

/// Mean and covariance of a set of points, accumulated in f64 for stability.
#[derive(Debug, Clone, Copy, Default)]
pub struct Moments {
    n: f64,
    count: usize,
    sum: [f64; 3],
    outer: [f64; 6],
}

impl Moments {
    /// Adds one point.
    #[inline]
    pub fn add(&mut self, p: [f32; 3]) {
        self.add_weighted(p, 1.0);
    }

    /// Adds one point with a weight (e.g. the inverse variance of its noise).
    #[inline]
    pub fn add_weighted(&mut self, p: [f32; 3], w: f64) {
        let (x, y, z) = (p[0] as f64, p[1] as f64, p[2] as f64);
        self.n += w;
        self.count += 1;
        self.sum[0] += w * x;
        self.sum[1] += w * y;
        self.sum[2] += w * z;
        self.outer[0] += w * x * x;
        self.outer[1] += w * x * y;
        self.outer[2] += w * x * z;
        self.outer[3] += w * y * y;
        self.outer[4] += w * y * z;
        self.outer[5] += w * z * z;
    }

    /// Number of points added.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Mean of the points (zero when empty).
    pub fn mean(&self) -> Vec3 {
        if self.n == 0.0 {
            return Vec3::zeros();
        }
        Vec3::new((self.sum[0] / self.n) as f32, (self.sum[1] / self.n) as f32, (self.sum[2] / self.n) as f32)
    }

    /// Covariance of the points (population covariance).
    pub fn covariance(&self) -> nalgebra::Matrix3<f64> {
        if self.n == 0.0 {
            return nalgebra::Matrix3::zeros();
        }
        let n = self.n;
        let m = [self.sum[0] / n, self.sum[1] / n, self.sum[2] / n];
        let c = |k: usize, i: usize, j: usize| self.outer[k] / n - m[i] * m[j];
        let (xx, xy, xz, yy, yz, zz) = (c(0, 0, 0), c(1, 0, 1), c(2, 0, 2), c(3, 1, 1), c(4, 1, 2), c(5, 2, 2));
        nalgebra::Matrix3::new(xx, xy, xz, xy, yy, yz, xz, yz, zz)
    }

    /// Eigen-decomposition of the covariance: eigenvalues ascending with their unit eigenvectors.
    pub fn principal_axes(&self) -> [(f32, Vec3); 3] {
        let eig = nalgebra::SymmetricEigen::new(self.covariance());
        let mut pairs: Vec<(f64, nalgebra::Vector3<f64>)> =
            (0..3).map(|i| (eig.eigenvalues[i], eig.eigenvectors.column(i).into_owned())).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let conv = |(l, v): &(f64, nalgebra::Vector3<f64>)| (*l as f32, Vec3::new(v.x as f32, v.y as f32, v.z as f32));
        [conv(&pairs[0]), conv(&pairs[1]), conv(&pairs[2])]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_axes_of_a_flat_cloud() {
        let mut m = Moments::default();
        for i in 0..20 {
            for j in 0..10 {
                m.add([i as f32 * 0.1, j as f32 * 0.05, 2.0]);
            }
        }
        let axes = m.principal_axes();
        assert!(axes[0].0.abs() < 1e-6);
        assert!(axes[0].1.z.abs() > 0.999);
        assert!(axes[2].1.x.abs() > 0.999);
        assert!((m.mean().z - 2.0).abs() < 1e-6);
    }
}
