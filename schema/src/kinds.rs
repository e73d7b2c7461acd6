//! The closed vocabularies of the graph files: unsafe-op kinds, call kinds, contexts, function
//! and declaration kinds. Their strings are part of the public contract (docs/design.md#contracts).

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $variant,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s,)* } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

string_enum! {
    /// One kind per operation that `rustc_mir_build/src/check_unsafety.rs` rejects outside an
    /// unsafe context (its `UnsafeOpKind`).
    UnsafeOpKind {
        CallUnsafeFn = "call_unsafe_fn",
        DerefRawPointer = "deref_raw_pointer",
        UseStaticMut = "use_static_mut",
        UseExternStatic = "use_extern_static",
        AccessUnionField = "access_union_field",
        InlineAsm = "inline_asm",
        CallTargetFeatureFn = "call_target_feature_fn",
        UseUnsafeField = "use_unsafe_field",
        /// Constructing a value of a type with unsafe fields (`InitializingTypeWithUnsafeField`).
        InitUnsafeField = "init_unsafe_field",
        /// The three layout-constrained kinds are in the contract but this nightly's checker no
        /// longer reports them (`inside_adt` is never set): kept so files of other nightlies parse.
        InitLayoutConstrained = "init_layout_constrained",
        BorrowLayoutConstrainedField = "borrow_layout_constrained_field",
        MutateLayoutConstrainedField = "mutate_layout_constrained_field",
        UnsafeBinderCast = "unsafe_binder_cast",
        /// `Drop::drop(&mut x)` called explicitly (the checker's `CallDropExplicitly`).
        CallDropExplicitly = "call_drop_explicitly",
    }
}

string_enum! {
    /// Which safety context makes an unsafe operation allowed (the checker's `SafetyContext`).
    ContextKind {
        /// Inside an `unsafe {}` block written in the source (possibly by a macro).
        UnsafeBlock = "unsafe_block",
        /// Directly in the body of an `unsafe fn` (no block in between).
        UnsafeFn = "unsafe_fn",
        /// Inside a block the compiler itself marked unsafe (`BlockSafety::BuiltinUnsafe`).
        GeneratedBlock = "generated_block",
        /// A call the checker lets through in safe code before edition 2024 with a
        /// `deprecated_safe_2024` lint (e.g. `std::env::set_var`).
        DeprecatedSafe = "deprecated_safe",
    }
}

string_enum! {
    /// How a call site's callee was resolved.
    CallKind {
        Static = "static",
        TraitResolved = "trait_resolved",
        TraitGeneric = "trait_generic",
        Dyn = "dyn",
        FnPtr = "fn_ptr",
        Closure = "closure",
        Drop = "drop",
        Intrinsic = "intrinsic",
        Ffi = "ffi",
        Shim = "shim",
    }
}

string_enum! {
    /// What kind of item a function node is.
    FunctionKind {
        Fn = "fn",
        Method = "method",
        TraitMethod = "trait_method",
        ImplMethod = "impl_method",
        Closure = "closure",
        Coroutine = "coroutine",
        Const = "const",
        Static = "static",
        InlineConst = "inline_const",
        AnonConst = "anon_const",
        Ctor = "ctor",
        ForeignFn = "foreign_fn",
        ForeignStatic = "foreign_static",
        /// `core::ptr::drop_in_place::<T>` for one type `T`: a synthetic node whose edges are
        /// the `Drop` impl of `T` and the glue of its fields.
        DropGlue = "drop_glue",
        Other = "other",
    }
}

string_enum! {
    /// Unsafe declarations (not operations): things that introduce an unsafe obligation.
    DeclarationKind {
        UnsafeFn = "unsafe_fn",
        UnsafeTrait = "unsafe_trait",
        UnsafeImpl = "unsafe_impl",
        ExternBlock = "extern_block",
        UnsafeAttribute = "unsafe_attribute",
        TargetFeatureFn = "target_feature_fn",
        UnsafeField = "unsafe_field",
        CrateLint = "crate_lint",
    }
}
