/*
 * Bulkhead's FreeType module list (FT_CONFIG_MODULES_H): TrueType fonts,
 * their tables and glyph names, and the anti-aliasing renderer.
 */
FT_USE_MODULE( FT_Driver_ClassRec, tt_driver_class )
FT_USE_MODULE( FT_Module_Class, sfnt_module_class )
FT_USE_MODULE( FT_Module_Class, psnames_module_class )
FT_USE_MODULE( FT_Renderer_Class, ft_smooth_renderer_class )
