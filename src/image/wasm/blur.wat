;; Blur kernels in WebAssembly SIMD, two pixels per f64x2 lane pair: the interiors of
;; src/image/gaussian.ts's two passes, and src/image/box-gaussian.ts's column pass; and the
;; row-wise min/max of src/image/min-max-filter.ts's column passes (mmRow, at the end). Each lane does
;; the JavaScript pass's double-precision operations in its order, and each f32 store rounds as a
;; Float32Array store does, so the bits are the same (test/image/gaussian-fast.test.ts,
;; box-gaussian tests, blur-wasm.test.ts). Built into blur-wasm-bytes.ts by
;; `node scripts/build-wasm.mjs` (wabt); test/image/blur-wasm.test.ts checks the two agree.
(module
  (memory (export "memory") 1)
  ;; interior of the horizontal pass: columns r … w−r−1 of every row; f32 planes at byte offsets
  ;; s (source) and t (output), taps k[0 … 2r] at byte offset k (k[r + j] is tap j)
  (func (export "rows") (param $s i32) (param $t i32) (param $w i32) (param $h i32) (param $k i32) (param $r i32)
    (local $y i32) (local $c i32) (local $end i32) (local $j i32) (local $p i32) (local $kp i32)
    (local $acc v128) (local $k0 f64) (local $kj f64) (local $a f64)
    (local.set $k0 (f64.promote_f32 (f32.load (i32.add (local.get $k) (i32.shl (local.get $r) (i32.const 2))))))
    (local.set $end (i32.sub (local.get $w) (local.get $r)))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $c (local.get $r))
        ;; two columns at a time
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_s (i32.add (local.get $c) (i32.const 1)) (local.get $end)))
            ;; p: byte address of s[row + c]
            (local.set $p (i32.add (local.get $s) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $w)) (local.get $c)) (i32.const 2))))
            (local.set $acc (f64x2.mul (f64x2.splat (local.get $k0)) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))))
            (local.set $j (i32.const 1))
            (local.set $kp (i32.add (local.get $k) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2))))
            (block $tdone
              (loop $tl
                (br_if $tdone (i32.gt_s (local.get $j) (local.get $r)))
                (local.set $acc
                  (f64x2.add (local.get $acc)
                    (f64x2.mul (f64x2.splat (f64.promote_f32 (f32.load (local.get $kp))))
                      (f64x2.add
                        (f64x2.promote_low_f32x4 (v128.load64_zero (i32.sub (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
                        (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))))))
                (local.set $kp (i32.add (local.get $kp) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $tl)))
            (v128.store64_lane 0 (i32.add (local.get $t) (i32.sub (local.get $p) (local.get $s))) (f32x4.demote_f64x2_zero (local.get $acc)))
            (local.set $c (i32.add (local.get $c) (i32.const 2)))
            (br $pl)))
        ;; an odd last column
        (if (i32.lt_s (local.get $c) (local.get $end))
          (then
            (local.set $p (i32.add (local.get $s) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $w)) (local.get $c)) (i32.const 2))))
            (local.set $a (f64.mul (local.get $k0) (f64.promote_f32 (f32.load (local.get $p)))))
            (local.set $j (i32.const 1))
            (local.set $kp (i32.add (local.get $k) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2))))
            (block $sdone
              (loop $sl
                (br_if $sdone (i32.gt_s (local.get $j) (local.get $r)))
                (local.set $a
                  (f64.add (local.get $a)
                    (f64.mul (f64.promote_f32 (f32.load (local.get $kp)))
                      (f64.add
                        (f64.promote_f32 (f32.load (i32.sub (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
                        (f64.promote_f32 (f32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))))))
                (local.set $kp (i32.add (local.get $kp) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $sl)))
            (f32.store (i32.add (local.get $t) (i32.sub (local.get $p) (local.get $s))) (f32.demote_f64 (local.get $a)))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; interior of the vertical pass: rows r … h−r−1, every column; each tap's sum rounded to f32
  (func (export "columns") (param $t i32) (param $d i32) (param $w i32) (param $h i32) (param $k i32) (param $r i32)
    (local $y i32) (local $x i32) (local $j i32) (local $row i32) (local $pa i32) (local $pb i32) (local $pd i32) (local $pe i32)
    (local $kj v128) (local $kjs f64) (local $wb i32) (local $pairs i32)
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (local.set $pairs (i32.and (local.get $w) (i32.const -2)))
    (local.set $y (local.get $r))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (i32.sub (local.get $h) (local.get $r))))
        (local.set $row (i32.mul (local.get $y) (local.get $wb)))
        ;; d = f32(k0 · t)
        (local.set $kjs (f64.promote_f32 (f32.load (i32.add (local.get $k) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $kj (f64x2.splat (local.get $kjs)))
        (local.set $x (i32.const 0))
        (block $x0done
          (loop $x0l
            (br_if $x0done (i32.ge_s (local.get $x) (local.get $pairs)))
            (local.set $pa (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 2))))
            (v128.store64_lane 0 (i32.add (local.get $d) (local.get $pa))
              (f32x4.demote_f64x2_zero (f64x2.mul (local.get $kj) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $t) (local.get $pa)))))))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
            (br $x0l)))
        (if (i32.lt_s (local.get $x) (local.get $w))
          (then
            (local.set $pa (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 2))))
            (f32.store (i32.add (local.get $d) (local.get $pa))
              (f32.demote_f64 (f64.mul (local.get $kjs) (f64.promote_f32 (f32.load (i32.add (local.get $t) (local.get $pa)))))))))
        ;; taps 1 … r, one sweep each
        (local.set $j (i32.const 1))
        (block $jdone
          (loop $jl
            (br_if $jdone (i32.gt_s (local.get $j) (local.get $r)))
            (local.set $kjs (f64.promote_f32 (f32.load (i32.add (local.get $k) (i32.shl (i32.add (local.get $r) (local.get $j)) (i32.const 2))))))
            (local.set $kj (f64x2.splat (local.get $kjs)))
            ;; byte addresses of the row j above, j below, and the output row
            (local.set $pa (i32.add (local.get $t) (i32.sub (local.get $row) (i32.mul (local.get $j) (local.get $wb)))))
            (local.set $pb (i32.add (local.get $t) (i32.add (local.get $row) (i32.mul (local.get $j) (local.get $wb)))))
            (local.set $pd (i32.add (local.get $d) (local.get $row)))
            (local.set $pe (i32.add (local.get $pd) (i32.shl (local.get $pairs) (i32.const 2))))
            (block $xdone
              (loop $xl
                (br_if $xdone (i32.ge_u (local.get $pd) (local.get $pe)))
                (v128.store64_lane 0 (local.get $pd)
                  (f32x4.demote_f64x2_zero
                    (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pd)))
                      (f64x2.mul (local.get $kj)
                        (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pa))) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pb))))))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
                (local.set $pd (i32.add (local.get $pd) (i32.const 8)))
                (br $xl)))
            (if (i32.lt_s (local.get $pairs) (local.get $w))
              (then
                (f32.store (local.get $pd)
                  (f32.demote_f64
                    (f64.add (f64.promote_f32 (f32.load (local.get $pd)))
                      (f64.mul (local.get $kjs) (f64.add (f64.promote_f32 (f32.load (local.get $pa))) (f64.promote_f32 (f32.load (local.get $pb))))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))
  ;; One box pass of src/image/box-gaussian.ts down the columns: f32 planes src and dst, f64 running
  ;; sums acc (w of them), i32 row tables: init (2r+1 reflected row starts, in element units), then
  ;; per output row y its lo, hi and first row starts (3 per row). Same operations as the JS pass.
  (func (export "boxColumns") (param $src i32) (param $dst i32) (param $acc i32) (param $tab i32) (param $w i32) (param $h i32) (param $r i32) (param $alpha f64) (param $inv f64)
    (local $i i32) (local $x i32) (local $y i32) (local $ps i32) (local $pa i32) (local $pe i32) (local $pairs i32)
    (local $lo i32) (local $hi i32) (local $first i32) (local $pd i32) (local $t i32)
    (local $va v128) (local $up v128) (local $down v128) (local $valpha v128) (local $vinv v128)
    (local $sa f64) (local $su f64) (local $sd f64)
    (local.set $pairs (i32.and (local.get $w) (i32.const -2)))
    (local.set $valpha (f64x2.splat (local.get $alpha)))
    (local.set $vinv (f64x2.splat (local.get $inv)))
    ;; acc ← 0, then the 2r+1 first rows added in order
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $w) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $idone
      (loop $il
        (br_if $idone (i32.gt_s (local.get $i) (i32.shl (local.get $r) (i32.const 1))))
        (local.set $ps (i32.add (local.get $src) (i32.shl (i32.load (i32.add (local.get $tab) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 2))))
        (local.set $pa (local.get $acc))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xl
            (br_if $xdone (i32.ge_s (local.get $x) (local.get $w)))
            (f64.store (local.get $pa) (f64.add (f64.load (local.get $pa)) (f64.promote_f32 (f32.load (local.get $ps)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
            (local.set $ps (i32.add (local.get $ps) (i32.const 4)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $xl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $il)))
    ;; the rows
    (local.set $t (i32.add (local.get $tab) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 1)) (i32.const 1)) (i32.const 2))))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yl
        (br_if $ydone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $lo (i32.add (local.get $src) (i32.shl (i32.load (local.get $t)) (i32.const 2))))
        (local.set $hi (i32.add (local.get $src) (i32.shl (i32.load offset=4 (local.get $t)) (i32.const 2))))
        (local.set $first (i32.add (local.get $src) (i32.shl (i32.load offset=8 (local.get $t)) (i32.const 2))))
        (local.set $pd (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2))))
        (local.set $pa (local.get $acc))
        (local.set $pe (i32.add (local.get $acc) (i32.shl (local.get $pairs) (i32.const 3))))
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_u (local.get $pa) (local.get $pe)))
            (local.set $va (v128.load (local.get $pa)))
            (local.set $up (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $lo))))
            (local.set $down (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $hi))))
            (v128.store64_lane 0 (local.get $pd)
              (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.add (local.get $va) (f64x2.mul (local.get $valpha) (f64x2.add (local.get $up) (local.get $down)))) (local.get $vinv))))
            (v128.store (local.get $pa) (f64x2.add (local.get $va) (f64x2.sub (local.get $down) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $first))))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $pd (i32.add (local.get $pd) (i32.const 8)))
            (local.set $lo (i32.add (local.get $lo) (i32.const 8)))
            (local.set $hi (i32.add (local.get $hi) (i32.const 8)))
            (local.set $first (i32.add (local.get $first) (i32.const 8)))
            (br $pl)))
        (if (i32.lt_s (local.get $pairs) (local.get $w))
          (then
            (local.set $sa (f64.load (local.get $pa)))
            (local.set $su (f64.promote_f32 (f32.load (local.get $lo))))
            (local.set $sd (f64.promote_f32 (f32.load (local.get $hi))))
            (f32.store (local.get $pd) (f32.demote_f64 (f64.mul (f64.add (local.get $sa) (f64.mul (local.get $alpha) (f64.add (local.get $su) (local.get $sd)))) (local.get $inv))))
            (f64.store (local.get $pa) (f64.add (local.get $sa) (f64.sub (local.get $sd) (f64.promote_f32 (f32.load (local.get $first))))))))
        (local.set $t (i32.add (local.get $t) (i32.const 12)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl))))

  ;; Two f32 rows into one for src/image/min-max-filter.ts's column passes: d[i] = pmin(a[i], b[i])
  ;; (b < a ? b : a) or, with $max set, pmax(a[i], b[i]) (a < b ? b : a). These are the JavaScript
  ;; ternaries' comparisons, so ties, signed zeros and NaN resolve as they do there. Byte offsets;
  ;; d may be a (each lane is read before it is written).
  (func (export "mmRow") (param $d i32) (param $a i32) (param $b i32) (param $n i32) (param $max i32)
    (local $end i32) (local $fa f32) (local $fb f32)
    (local.set $end (i32.add (local.get $d) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (if (local.get $max)
      (then
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $d) (local.get $end)))
            (v128.store (local.get $d) (f32x4.pmax (v128.load (local.get $a)) (v128.load (local.get $b))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $l))))
      (else
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $d) (local.get $end)))
            (v128.store (local.get $d) (f32x4.pmin (v128.load (local.get $a)) (v128.load (local.get $b))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $l)))))
    ;; the last n mod 4 values one at a time
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $tdone
      (loop $t
        (br_if $tdone (i32.ge_u (local.get $d) (local.get $end)))
        (local.set $fa (f32.load (local.get $a)))
        (local.set $fb (f32.load (local.get $b)))
        (f32.store (local.get $d)
          (select (local.get $fb) (local.get $fa)
            (if (result i32) (local.get $max)
              (then (f32.lt (local.get $fa) (local.get $fb)))
              (else (f32.lt (local.get $fb) (local.get $fa))))))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $t))))
)
