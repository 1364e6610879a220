/*
 * Interrupt and exception entry. One 16-byte-aligned stub per vector pushes a uniform
 * (vector, error code) pair — a zero where the CPU pushes none — and joins `trap_common`, which
 * saves the general registers into a `skiff_trap_frame`, switches GS when coming from user mode,
 * and calls the Swift dispatcher `skiff_trap(frame)`. The kernel is built without SSE, so the
 * FPU/SSE state belongs to the interrupted context and is left alone here.
 */
#if defined(SKIFF_KERNEL)

    .text
    .code64
    .p2align 4
trap_common:
    testb $3, 24(%rsp)              /* CS of the interrupted context */
    jz 1f
    swapgs
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, %rdi
    cld
    call skiff_trap
    .globl skiff_trap_return
skiff_trap_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    testb $3, 24(%rsp)
    jz 2f
    swapgs
2:  addq $16, %rsp
    iretq

    .p2align 4
trap_stub_0:
    pushq $0
    pushq $0
    jmp trap_common
    .p2align 4
trap_stub_1:
    pushq $0
    pushq $1
    jmp trap_common
    .p2align 4
trap_stub_2:
    pushq $0
    pushq $2
    jmp trap_common
    .p2align 4
trap_stub_3:
    pushq $0
    pushq $3
    jmp trap_common
    .p2align 4
trap_stub_4:
    pushq $0
    pushq $4
    jmp trap_common
    .p2align 4
trap_stub_5:
    pushq $0
    pushq $5
    jmp trap_common
    .p2align 4
trap_stub_6:
    pushq $0
    pushq $6
    jmp trap_common
    .p2align 4
trap_stub_7:
    pushq $0
    pushq $7
    jmp trap_common
    .p2align 4
trap_stub_8:
    pushq $8
    jmp trap_common
    .p2align 4
trap_stub_9:
    pushq $0
    pushq $9
    jmp trap_common
    .p2align 4
trap_stub_10:
    pushq $10
    jmp trap_common
    .p2align 4
trap_stub_11:
    pushq $11
    jmp trap_common
    .p2align 4
trap_stub_12:
    pushq $12
    jmp trap_common
    .p2align 4
trap_stub_13:
    pushq $13
    jmp trap_common
    .p2align 4
trap_stub_14:
    pushq $14
    jmp trap_common
    .p2align 4
trap_stub_15:
    pushq $0
    pushq $15
    jmp trap_common
    .p2align 4
trap_stub_16:
    pushq $0
    pushq $16
    jmp trap_common
    .p2align 4
trap_stub_17:
    pushq $17
    jmp trap_common
    .p2align 4
trap_stub_18:
    pushq $0
    pushq $18
    jmp trap_common
    .p2align 4
trap_stub_19:
    pushq $0
    pushq $19
    jmp trap_common
    .p2align 4
trap_stub_20:
    pushq $0
    pushq $20
    jmp trap_common
    .p2align 4
trap_stub_21:
    pushq $21
    jmp trap_common
    .p2align 4
trap_stub_22:
    pushq $0
    pushq $22
    jmp trap_common
    .p2align 4
trap_stub_23:
    pushq $0
    pushq $23
    jmp trap_common
    .p2align 4
trap_stub_24:
    pushq $0
    pushq $24
    jmp trap_common
    .p2align 4
trap_stub_25:
    pushq $0
    pushq $25
    jmp trap_common
    .p2align 4
trap_stub_26:
    pushq $0
    pushq $26
    jmp trap_common
    .p2align 4
trap_stub_27:
    pushq $0
    pushq $27
    jmp trap_common
    .p2align 4
trap_stub_28:
    pushq $0
    pushq $28
    jmp trap_common
    .p2align 4
trap_stub_29:
    pushq $29
    jmp trap_common
    .p2align 4
trap_stub_30:
    pushq $30
    jmp trap_common
    .p2align 4
trap_stub_31:
    pushq $0
    pushq $31
    jmp trap_common
    .p2align 4
trap_stub_32:
    pushq $0
    pushq $32
    jmp trap_common
    .p2align 4
trap_stub_33:
    pushq $0
    pushq $33
    jmp trap_common
    .p2align 4
trap_stub_34:
    pushq $0
    pushq $34
    jmp trap_common
    .p2align 4
trap_stub_35:
    pushq $0
    pushq $35
    jmp trap_common
    .p2align 4
trap_stub_36:
    pushq $0
    pushq $36
    jmp trap_common
    .p2align 4
trap_stub_37:
    pushq $0
    pushq $37
    jmp trap_common
    .p2align 4
trap_stub_38:
    pushq $0
    pushq $38
    jmp trap_common
    .p2align 4
trap_stub_39:
    pushq $0
    pushq $39
    jmp trap_common
    .p2align 4
trap_stub_40:
    pushq $0
    pushq $40
    jmp trap_common
    .p2align 4
trap_stub_41:
    pushq $0
    pushq $41
    jmp trap_common
    .p2align 4
trap_stub_42:
    pushq $0
    pushq $42
    jmp trap_common
    .p2align 4
trap_stub_43:
    pushq $0
    pushq $43
    jmp trap_common
    .p2align 4
trap_stub_44:
    pushq $0
    pushq $44
    jmp trap_common
    .p2align 4
trap_stub_45:
    pushq $0
    pushq $45
    jmp trap_common
    .p2align 4
trap_stub_46:
    pushq $0
    pushq $46
    jmp trap_common
    .p2align 4
trap_stub_47:
    pushq $0
    pushq $47
    jmp trap_common
    .p2align 4
trap_stub_48:
    pushq $0
    pushq $48
    jmp trap_common
    .p2align 4
trap_stub_49:
    pushq $0
    pushq $49
    jmp trap_common
    .p2align 4
trap_stub_50:
    pushq $0
    pushq $50
    jmp trap_common
    .p2align 4
trap_stub_51:
    pushq $0
    pushq $51
    jmp trap_common
    .p2align 4
trap_stub_52:
    pushq $0
    pushq $52
    jmp trap_common
    .p2align 4
trap_stub_53:
    pushq $0
    pushq $53
    jmp trap_common
    .p2align 4
trap_stub_54:
    pushq $0
    pushq $54
    jmp trap_common
    .p2align 4
trap_stub_55:
    pushq $0
    pushq $55
    jmp trap_common
    .p2align 4
trap_stub_56:
    pushq $0
    pushq $56
    jmp trap_common
    .p2align 4
trap_stub_57:
    pushq $0
    pushq $57
    jmp trap_common
    .p2align 4
trap_stub_58:
    pushq $0
    pushq $58
    jmp trap_common
    .p2align 4
trap_stub_59:
    pushq $0
    pushq $59
    jmp trap_common
    .p2align 4
trap_stub_60:
    pushq $0
    pushq $60
    jmp trap_common
    .p2align 4
trap_stub_61:
    pushq $0
    pushq $61
    jmp trap_common
    .p2align 4
trap_stub_62:
    pushq $0
    pushq $62
    jmp trap_common
    .p2align 4
trap_stub_63:
    pushq $0
    pushq $63
    jmp trap_common
    .p2align 4
trap_stub_64:
    pushq $0
    pushq $64
    jmp trap_common
    .p2align 4
trap_stub_65:
    pushq $0
    pushq $65
    jmp trap_common
    .p2align 4
trap_stub_66:
    pushq $0
    pushq $66
    jmp trap_common
    .p2align 4
trap_stub_67:
    pushq $0
    pushq $67
    jmp trap_common
    .p2align 4
trap_stub_68:
    pushq $0
    pushq $68
    jmp trap_common
    .p2align 4
trap_stub_69:
    pushq $0
    pushq $69
    jmp trap_common
    .p2align 4
trap_stub_70:
    pushq $0
    pushq $70
    jmp trap_common
    .p2align 4
trap_stub_71:
    pushq $0
    pushq $71
    jmp trap_common
    .p2align 4
trap_stub_72:
    pushq $0
    pushq $72
    jmp trap_common
    .p2align 4
trap_stub_73:
    pushq $0
    pushq $73
    jmp trap_common
    .p2align 4
trap_stub_74:
    pushq $0
    pushq $74
    jmp trap_common
    .p2align 4
trap_stub_75:
    pushq $0
    pushq $75
    jmp trap_common
    .p2align 4
trap_stub_76:
    pushq $0
    pushq $76
    jmp trap_common
    .p2align 4
trap_stub_77:
    pushq $0
    pushq $77
    jmp trap_common
    .p2align 4
trap_stub_78:
    pushq $0
    pushq $78
    jmp trap_common
    .p2align 4
trap_stub_79:
    pushq $0
    pushq $79
    jmp trap_common
    .p2align 4
trap_stub_80:
    pushq $0
    pushq $80
    jmp trap_common
    .p2align 4
trap_stub_81:
    pushq $0
    pushq $81
    jmp trap_common
    .p2align 4
trap_stub_82:
    pushq $0
    pushq $82
    jmp trap_common
    .p2align 4
trap_stub_83:
    pushq $0
    pushq $83
    jmp trap_common
    .p2align 4
trap_stub_84:
    pushq $0
    pushq $84
    jmp trap_common
    .p2align 4
trap_stub_85:
    pushq $0
    pushq $85
    jmp trap_common
    .p2align 4
trap_stub_86:
    pushq $0
    pushq $86
    jmp trap_common
    .p2align 4
trap_stub_87:
    pushq $0
    pushq $87
    jmp trap_common
    .p2align 4
trap_stub_88:
    pushq $0
    pushq $88
    jmp trap_common
    .p2align 4
trap_stub_89:
    pushq $0
    pushq $89
    jmp trap_common
    .p2align 4
trap_stub_90:
    pushq $0
    pushq $90
    jmp trap_common
    .p2align 4
trap_stub_91:
    pushq $0
    pushq $91
    jmp trap_common
    .p2align 4
trap_stub_92:
    pushq $0
    pushq $92
    jmp trap_common
    .p2align 4
trap_stub_93:
    pushq $0
    pushq $93
    jmp trap_common
    .p2align 4
trap_stub_94:
    pushq $0
    pushq $94
    jmp trap_common
    .p2align 4
trap_stub_95:
    pushq $0
    pushq $95
    jmp trap_common
    .p2align 4
trap_stub_96:
    pushq $0
    pushq $96
    jmp trap_common
    .p2align 4
trap_stub_97:
    pushq $0
    pushq $97
    jmp trap_common
    .p2align 4
trap_stub_98:
    pushq $0
    pushq $98
    jmp trap_common
    .p2align 4
trap_stub_99:
    pushq $0
    pushq $99
    jmp trap_common
    .p2align 4
trap_stub_100:
    pushq $0
    pushq $100
    jmp trap_common
    .p2align 4
trap_stub_101:
    pushq $0
    pushq $101
    jmp trap_common
    .p2align 4
trap_stub_102:
    pushq $0
    pushq $102
    jmp trap_common
    .p2align 4
trap_stub_103:
    pushq $0
    pushq $103
    jmp trap_common
    .p2align 4
trap_stub_104:
    pushq $0
    pushq $104
    jmp trap_common
    .p2align 4
trap_stub_105:
    pushq $0
    pushq $105
    jmp trap_common
    .p2align 4
trap_stub_106:
    pushq $0
    pushq $106
    jmp trap_common
    .p2align 4
trap_stub_107:
    pushq $0
    pushq $107
    jmp trap_common
    .p2align 4
trap_stub_108:
    pushq $0
    pushq $108
    jmp trap_common
    .p2align 4
trap_stub_109:
    pushq $0
    pushq $109
    jmp trap_common
    .p2align 4
trap_stub_110:
    pushq $0
    pushq $110
    jmp trap_common
    .p2align 4
trap_stub_111:
    pushq $0
    pushq $111
    jmp trap_common
    .p2align 4
trap_stub_112:
    pushq $0
    pushq $112
    jmp trap_common
    .p2align 4
trap_stub_113:
    pushq $0
    pushq $113
    jmp trap_common
    .p2align 4
trap_stub_114:
    pushq $0
    pushq $114
    jmp trap_common
    .p2align 4
trap_stub_115:
    pushq $0
    pushq $115
    jmp trap_common
    .p2align 4
trap_stub_116:
    pushq $0
    pushq $116
    jmp trap_common
    .p2align 4
trap_stub_117:
    pushq $0
    pushq $117
    jmp trap_common
    .p2align 4
trap_stub_118:
    pushq $0
    pushq $118
    jmp trap_common
    .p2align 4
trap_stub_119:
    pushq $0
    pushq $119
    jmp trap_common
    .p2align 4
trap_stub_120:
    pushq $0
    pushq $120
    jmp trap_common
    .p2align 4
trap_stub_121:
    pushq $0
    pushq $121
    jmp trap_common
    .p2align 4
trap_stub_122:
    pushq $0
    pushq $122
    jmp trap_common
    .p2align 4
trap_stub_123:
    pushq $0
    pushq $123
    jmp trap_common
    .p2align 4
trap_stub_124:
    pushq $0
    pushq $124
    jmp trap_common
    .p2align 4
trap_stub_125:
    pushq $0
    pushq $125
    jmp trap_common
    .p2align 4
trap_stub_126:
    pushq $0
    pushq $126
    jmp trap_common
    .p2align 4
trap_stub_127:
    pushq $0
    pushq $127
    jmp trap_common
    .p2align 4
trap_stub_128:
    pushq $0
    pushq $128
    jmp trap_common
    .p2align 4
trap_stub_129:
    pushq $0
    pushq $129
    jmp trap_common
    .p2align 4
trap_stub_130:
    pushq $0
    pushq $130
    jmp trap_common
    .p2align 4
trap_stub_131:
    pushq $0
    pushq $131
    jmp trap_common
    .p2align 4
trap_stub_132:
    pushq $0
    pushq $132
    jmp trap_common
    .p2align 4
trap_stub_133:
    pushq $0
    pushq $133
    jmp trap_common
    .p2align 4
trap_stub_134:
    pushq $0
    pushq $134
    jmp trap_common
    .p2align 4
trap_stub_135:
    pushq $0
    pushq $135
    jmp trap_common
    .p2align 4
trap_stub_136:
    pushq $0
    pushq $136
    jmp trap_common
    .p2align 4
trap_stub_137:
    pushq $0
    pushq $137
    jmp trap_common
    .p2align 4
trap_stub_138:
    pushq $0
    pushq $138
    jmp trap_common
    .p2align 4
trap_stub_139:
    pushq $0
    pushq $139
    jmp trap_common
    .p2align 4
trap_stub_140:
    pushq $0
    pushq $140
    jmp trap_common
    .p2align 4
trap_stub_141:
    pushq $0
    pushq $141
    jmp trap_common
    .p2align 4
trap_stub_142:
    pushq $0
    pushq $142
    jmp trap_common
    .p2align 4
trap_stub_143:
    pushq $0
    pushq $143
    jmp trap_common
    .p2align 4
trap_stub_144:
    pushq $0
    pushq $144
    jmp trap_common
    .p2align 4
trap_stub_145:
    pushq $0
    pushq $145
    jmp trap_common
    .p2align 4
trap_stub_146:
    pushq $0
    pushq $146
    jmp trap_common
    .p2align 4
trap_stub_147:
    pushq $0
    pushq $147
    jmp trap_common
    .p2align 4
trap_stub_148:
    pushq $0
    pushq $148
    jmp trap_common
    .p2align 4
trap_stub_149:
    pushq $0
    pushq $149
    jmp trap_common
    .p2align 4
trap_stub_150:
    pushq $0
    pushq $150
    jmp trap_common
    .p2align 4
trap_stub_151:
    pushq $0
    pushq $151
    jmp trap_common
    .p2align 4
trap_stub_152:
    pushq $0
    pushq $152
    jmp trap_common
    .p2align 4
trap_stub_153:
    pushq $0
    pushq $153
    jmp trap_common
    .p2align 4
trap_stub_154:
    pushq $0
    pushq $154
    jmp trap_common
    .p2align 4
trap_stub_155:
    pushq $0
    pushq $155
    jmp trap_common
    .p2align 4
trap_stub_156:
    pushq $0
    pushq $156
    jmp trap_common
    .p2align 4
trap_stub_157:
    pushq $0
    pushq $157
    jmp trap_common
    .p2align 4
trap_stub_158:
    pushq $0
    pushq $158
    jmp trap_common
    .p2align 4
trap_stub_159:
    pushq $0
    pushq $159
    jmp trap_common
    .p2align 4
trap_stub_160:
    pushq $0
    pushq $160
    jmp trap_common
    .p2align 4
trap_stub_161:
    pushq $0
    pushq $161
    jmp trap_common
    .p2align 4
trap_stub_162:
    pushq $0
    pushq $162
    jmp trap_common
    .p2align 4
trap_stub_163:
    pushq $0
    pushq $163
    jmp trap_common
    .p2align 4
trap_stub_164:
    pushq $0
    pushq $164
    jmp trap_common
    .p2align 4
trap_stub_165:
    pushq $0
    pushq $165
    jmp trap_common
    .p2align 4
trap_stub_166:
    pushq $0
    pushq $166
    jmp trap_common
    .p2align 4
trap_stub_167:
    pushq $0
    pushq $167
    jmp trap_common
    .p2align 4
trap_stub_168:
    pushq $0
    pushq $168
    jmp trap_common
    .p2align 4
trap_stub_169:
    pushq $0
    pushq $169
    jmp trap_common
    .p2align 4
trap_stub_170:
    pushq $0
    pushq $170
    jmp trap_common
    .p2align 4
trap_stub_171:
    pushq $0
    pushq $171
    jmp trap_common
    .p2align 4
trap_stub_172:
    pushq $0
    pushq $172
    jmp trap_common
    .p2align 4
trap_stub_173:
    pushq $0
    pushq $173
    jmp trap_common
    .p2align 4
trap_stub_174:
    pushq $0
    pushq $174
    jmp trap_common
    .p2align 4
trap_stub_175:
    pushq $0
    pushq $175
    jmp trap_common
    .p2align 4
trap_stub_176:
    pushq $0
    pushq $176
    jmp trap_common
    .p2align 4
trap_stub_177:
    pushq $0
    pushq $177
    jmp trap_common
    .p2align 4
trap_stub_178:
    pushq $0
    pushq $178
    jmp trap_common
    .p2align 4
trap_stub_179:
    pushq $0
    pushq $179
    jmp trap_common
    .p2align 4
trap_stub_180:
    pushq $0
    pushq $180
    jmp trap_common
    .p2align 4
trap_stub_181:
    pushq $0
    pushq $181
    jmp trap_common
    .p2align 4
trap_stub_182:
    pushq $0
    pushq $182
    jmp trap_common
    .p2align 4
trap_stub_183:
    pushq $0
    pushq $183
    jmp trap_common
    .p2align 4
trap_stub_184:
    pushq $0
    pushq $184
    jmp trap_common
    .p2align 4
trap_stub_185:
    pushq $0
    pushq $185
    jmp trap_common
    .p2align 4
trap_stub_186:
    pushq $0
    pushq $186
    jmp trap_common
    .p2align 4
trap_stub_187:
    pushq $0
    pushq $187
    jmp trap_common
    .p2align 4
trap_stub_188:
    pushq $0
    pushq $188
    jmp trap_common
    .p2align 4
trap_stub_189:
    pushq $0
    pushq $189
    jmp trap_common
    .p2align 4
trap_stub_190:
    pushq $0
    pushq $190
    jmp trap_common
    .p2align 4
trap_stub_191:
    pushq $0
    pushq $191
    jmp trap_common
    .p2align 4
trap_stub_192:
    pushq $0
    pushq $192
    jmp trap_common
    .p2align 4
trap_stub_193:
    pushq $0
    pushq $193
    jmp trap_common
    .p2align 4
trap_stub_194:
    pushq $0
    pushq $194
    jmp trap_common
    .p2align 4
trap_stub_195:
    pushq $0
    pushq $195
    jmp trap_common
    .p2align 4
trap_stub_196:
    pushq $0
    pushq $196
    jmp trap_common
    .p2align 4
trap_stub_197:
    pushq $0
    pushq $197
    jmp trap_common
    .p2align 4
trap_stub_198:
    pushq $0
    pushq $198
    jmp trap_common
    .p2align 4
trap_stub_199:
    pushq $0
    pushq $199
    jmp trap_common
    .p2align 4
trap_stub_200:
    pushq $0
    pushq $200
    jmp trap_common
    .p2align 4
trap_stub_201:
    pushq $0
    pushq $201
    jmp trap_common
    .p2align 4
trap_stub_202:
    pushq $0
    pushq $202
    jmp trap_common
    .p2align 4
trap_stub_203:
    pushq $0
    pushq $203
    jmp trap_common
    .p2align 4
trap_stub_204:
    pushq $0
    pushq $204
    jmp trap_common
    .p2align 4
trap_stub_205:
    pushq $0
    pushq $205
    jmp trap_common
    .p2align 4
trap_stub_206:
    pushq $0
    pushq $206
    jmp trap_common
    .p2align 4
trap_stub_207:
    pushq $0
    pushq $207
    jmp trap_common
    .p2align 4
trap_stub_208:
    pushq $0
    pushq $208
    jmp trap_common
    .p2align 4
trap_stub_209:
    pushq $0
    pushq $209
    jmp trap_common
    .p2align 4
trap_stub_210:
    pushq $0
    pushq $210
    jmp trap_common
    .p2align 4
trap_stub_211:
    pushq $0
    pushq $211
    jmp trap_common
    .p2align 4
trap_stub_212:
    pushq $0
    pushq $212
    jmp trap_common
    .p2align 4
trap_stub_213:
    pushq $0
    pushq $213
    jmp trap_common
    .p2align 4
trap_stub_214:
    pushq $0
    pushq $214
    jmp trap_common
    .p2align 4
trap_stub_215:
    pushq $0
    pushq $215
    jmp trap_common
    .p2align 4
trap_stub_216:
    pushq $0
    pushq $216
    jmp trap_common
    .p2align 4
trap_stub_217:
    pushq $0
    pushq $217
    jmp trap_common
    .p2align 4
trap_stub_218:
    pushq $0
    pushq $218
    jmp trap_common
    .p2align 4
trap_stub_219:
    pushq $0
    pushq $219
    jmp trap_common
    .p2align 4
trap_stub_220:
    pushq $0
    pushq $220
    jmp trap_common
    .p2align 4
trap_stub_221:
    pushq $0
    pushq $221
    jmp trap_common
    .p2align 4
trap_stub_222:
    pushq $0
    pushq $222
    jmp trap_common
    .p2align 4
trap_stub_223:
    pushq $0
    pushq $223
    jmp trap_common
    .p2align 4
trap_stub_224:
    pushq $0
    pushq $224
    jmp trap_common
    .p2align 4
trap_stub_225:
    pushq $0
    pushq $225
    jmp trap_common
    .p2align 4
trap_stub_226:
    pushq $0
    pushq $226
    jmp trap_common
    .p2align 4
trap_stub_227:
    pushq $0
    pushq $227
    jmp trap_common
    .p2align 4
trap_stub_228:
    pushq $0
    pushq $228
    jmp trap_common
    .p2align 4
trap_stub_229:
    pushq $0
    pushq $229
    jmp trap_common
    .p2align 4
trap_stub_230:
    pushq $0
    pushq $230
    jmp trap_common
    .p2align 4
trap_stub_231:
    pushq $0
    pushq $231
    jmp trap_common
    .p2align 4
trap_stub_232:
    pushq $0
    pushq $232
    jmp trap_common
    .p2align 4
trap_stub_233:
    pushq $0
    pushq $233
    jmp trap_common
    .p2align 4
trap_stub_234:
    pushq $0
    pushq $234
    jmp trap_common
    .p2align 4
trap_stub_235:
    pushq $0
    pushq $235
    jmp trap_common
    .p2align 4
trap_stub_236:
    pushq $0
    pushq $236
    jmp trap_common
    .p2align 4
trap_stub_237:
    pushq $0
    pushq $237
    jmp trap_common
    .p2align 4
trap_stub_238:
    pushq $0
    pushq $238
    jmp trap_common
    .p2align 4
trap_stub_239:
    pushq $0
    pushq $239
    jmp trap_common
    .p2align 4
trap_stub_240:
    pushq $0
    pushq $240
    jmp trap_common
    .p2align 4
trap_stub_241:
    pushq $0
    pushq $241
    jmp trap_common
    .p2align 4
trap_stub_242:
    pushq $0
    pushq $242
    jmp trap_common
    .p2align 4
trap_stub_243:
    pushq $0
    pushq $243
    jmp trap_common
    .p2align 4
trap_stub_244:
    pushq $0
    pushq $244
    jmp trap_common
    .p2align 4
trap_stub_245:
    pushq $0
    pushq $245
    jmp trap_common
    .p2align 4
trap_stub_246:
    pushq $0
    pushq $246
    jmp trap_common
    .p2align 4
trap_stub_247:
    pushq $0
    pushq $247
    jmp trap_common
    .p2align 4
trap_stub_248:
    pushq $0
    pushq $248
    jmp trap_common
    .p2align 4
trap_stub_249:
    pushq $0
    pushq $249
    jmp trap_common
    .p2align 4
trap_stub_250:
    pushq $0
    pushq $250
    jmp trap_common
    .p2align 4
trap_stub_251:
    pushq $0
    pushq $251
    jmp trap_common
    .p2align 4
trap_stub_252:
    pushq $0
    pushq $252
    jmp trap_common
    .p2align 4
trap_stub_253:
    pushq $0
    pushq $253
    jmp trap_common
    .p2align 4
trap_stub_254:
    pushq $0
    pushq $254
    jmp trap_common
    .p2align 4
trap_stub_255:
    pushq $0
    pushq $255
    jmp trap_common

    .section .rodata.trap_stubs, "a"
    .p2align 3
    .globl skiff_trap_stubs
skiff_trap_stubs:
    .quad trap_stub_0
    .quad trap_stub_1
    .quad trap_stub_2
    .quad trap_stub_3
    .quad trap_stub_4
    .quad trap_stub_5
    .quad trap_stub_6
    .quad trap_stub_7
    .quad trap_stub_8
    .quad trap_stub_9
    .quad trap_stub_10
    .quad trap_stub_11
    .quad trap_stub_12
    .quad trap_stub_13
    .quad trap_stub_14
    .quad trap_stub_15
    .quad trap_stub_16
    .quad trap_stub_17
    .quad trap_stub_18
    .quad trap_stub_19
    .quad trap_stub_20
    .quad trap_stub_21
    .quad trap_stub_22
    .quad trap_stub_23
    .quad trap_stub_24
    .quad trap_stub_25
    .quad trap_stub_26
    .quad trap_stub_27
    .quad trap_stub_28
    .quad trap_stub_29
    .quad trap_stub_30
    .quad trap_stub_31
    .quad trap_stub_32
    .quad trap_stub_33
    .quad trap_stub_34
    .quad trap_stub_35
    .quad trap_stub_36
    .quad trap_stub_37
    .quad trap_stub_38
    .quad trap_stub_39
    .quad trap_stub_40
    .quad trap_stub_41
    .quad trap_stub_42
    .quad trap_stub_43
    .quad trap_stub_44
    .quad trap_stub_45
    .quad trap_stub_46
    .quad trap_stub_47
    .quad trap_stub_48
    .quad trap_stub_49
    .quad trap_stub_50
    .quad trap_stub_51
    .quad trap_stub_52
    .quad trap_stub_53
    .quad trap_stub_54
    .quad trap_stub_55
    .quad trap_stub_56
    .quad trap_stub_57
    .quad trap_stub_58
    .quad trap_stub_59
    .quad trap_stub_60
    .quad trap_stub_61
    .quad trap_stub_62
    .quad trap_stub_63
    .quad trap_stub_64
    .quad trap_stub_65
    .quad trap_stub_66
    .quad trap_stub_67
    .quad trap_stub_68
    .quad trap_stub_69
    .quad trap_stub_70
    .quad trap_stub_71
    .quad trap_stub_72
    .quad trap_stub_73
    .quad trap_stub_74
    .quad trap_stub_75
    .quad trap_stub_76
    .quad trap_stub_77
    .quad trap_stub_78
    .quad trap_stub_79
    .quad trap_stub_80
    .quad trap_stub_81
    .quad trap_stub_82
    .quad trap_stub_83
    .quad trap_stub_84
    .quad trap_stub_85
    .quad trap_stub_86
    .quad trap_stub_87
    .quad trap_stub_88
    .quad trap_stub_89
    .quad trap_stub_90
    .quad trap_stub_91
    .quad trap_stub_92
    .quad trap_stub_93
    .quad trap_stub_94
    .quad trap_stub_95
    .quad trap_stub_96
    .quad trap_stub_97
    .quad trap_stub_98
    .quad trap_stub_99
    .quad trap_stub_100
    .quad trap_stub_101
    .quad trap_stub_102
    .quad trap_stub_103
    .quad trap_stub_104
    .quad trap_stub_105
    .quad trap_stub_106
    .quad trap_stub_107
    .quad trap_stub_108
    .quad trap_stub_109
    .quad trap_stub_110
    .quad trap_stub_111
    .quad trap_stub_112
    .quad trap_stub_113
    .quad trap_stub_114
    .quad trap_stub_115
    .quad trap_stub_116
    .quad trap_stub_117
    .quad trap_stub_118
    .quad trap_stub_119
    .quad trap_stub_120
    .quad trap_stub_121
    .quad trap_stub_122
    .quad trap_stub_123
    .quad trap_stub_124
    .quad trap_stub_125
    .quad trap_stub_126
    .quad trap_stub_127
    .quad trap_stub_128
    .quad trap_stub_129
    .quad trap_stub_130
    .quad trap_stub_131
    .quad trap_stub_132
    .quad trap_stub_133
    .quad trap_stub_134
    .quad trap_stub_135
    .quad trap_stub_136
    .quad trap_stub_137
    .quad trap_stub_138
    .quad trap_stub_139
    .quad trap_stub_140
    .quad trap_stub_141
    .quad trap_stub_142
    .quad trap_stub_143
    .quad trap_stub_144
    .quad trap_stub_145
    .quad trap_stub_146
    .quad trap_stub_147
    .quad trap_stub_148
    .quad trap_stub_149
    .quad trap_stub_150
    .quad trap_stub_151
    .quad trap_stub_152
    .quad trap_stub_153
    .quad trap_stub_154
    .quad trap_stub_155
    .quad trap_stub_156
    .quad trap_stub_157
    .quad trap_stub_158
    .quad trap_stub_159
    .quad trap_stub_160
    .quad trap_stub_161
    .quad trap_stub_162
    .quad trap_stub_163
    .quad trap_stub_164
    .quad trap_stub_165
    .quad trap_stub_166
    .quad trap_stub_167
    .quad trap_stub_168
    .quad trap_stub_169
    .quad trap_stub_170
    .quad trap_stub_171
    .quad trap_stub_172
    .quad trap_stub_173
    .quad trap_stub_174
    .quad trap_stub_175
    .quad trap_stub_176
    .quad trap_stub_177
    .quad trap_stub_178
    .quad trap_stub_179
    .quad trap_stub_180
    .quad trap_stub_181
    .quad trap_stub_182
    .quad trap_stub_183
    .quad trap_stub_184
    .quad trap_stub_185
    .quad trap_stub_186
    .quad trap_stub_187
    .quad trap_stub_188
    .quad trap_stub_189
    .quad trap_stub_190
    .quad trap_stub_191
    .quad trap_stub_192
    .quad trap_stub_193
    .quad trap_stub_194
    .quad trap_stub_195
    .quad trap_stub_196
    .quad trap_stub_197
    .quad trap_stub_198
    .quad trap_stub_199
    .quad trap_stub_200
    .quad trap_stub_201
    .quad trap_stub_202
    .quad trap_stub_203
    .quad trap_stub_204
    .quad trap_stub_205
    .quad trap_stub_206
    .quad trap_stub_207
    .quad trap_stub_208
    .quad trap_stub_209
    .quad trap_stub_210
    .quad trap_stub_211
    .quad trap_stub_212
    .quad trap_stub_213
    .quad trap_stub_214
    .quad trap_stub_215
    .quad trap_stub_216
    .quad trap_stub_217
    .quad trap_stub_218
    .quad trap_stub_219
    .quad trap_stub_220
    .quad trap_stub_221
    .quad trap_stub_222
    .quad trap_stub_223
    .quad trap_stub_224
    .quad trap_stub_225
    .quad trap_stub_226
    .quad trap_stub_227
    .quad trap_stub_228
    .quad trap_stub_229
    .quad trap_stub_230
    .quad trap_stub_231
    .quad trap_stub_232
    .quad trap_stub_233
    .quad trap_stub_234
    .quad trap_stub_235
    .quad trap_stub_236
    .quad trap_stub_237
    .quad trap_stub_238
    .quad trap_stub_239
    .quad trap_stub_240
    .quad trap_stub_241
    .quad trap_stub_242
    .quad trap_stub_243
    .quad trap_stub_244
    .quad trap_stub_245
    .quad trap_stub_246
    .quad trap_stub_247
    .quad trap_stub_248
    .quad trap_stub_249
    .quad trap_stub_250
    .quad trap_stub_251
    .quad trap_stub_252
    .quad trap_stub_253
    .quad trap_stub_254
    .quad trap_stub_255

#endif
